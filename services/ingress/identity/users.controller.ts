import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { parseCreateUser } from './identity.dto';
import { UserRepository, type UserRecord } from '@chainmail/identity';
import { TeamsService } from './teams.service';

/** Users: admins create and list them; a user's first token is `POST /v1/tokens {userId}`. */
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly teams: TeamsService,
    private readonly users: UserRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  create(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<UserRecord> {
    return this.teams.createUser(actor, parseCreateUser(body));
  }

  @Get()
  @RequireScope('admin')
  async list(): Promise<{ users: UserRecord[] }> {
    return { users: await this.users.list() };
  }

  @Get(':id')
  @RequireScope('admin')
  get(@Param('id') id: string): Promise<UserRecord> {
    return this.teams.user(id);
  }
}
