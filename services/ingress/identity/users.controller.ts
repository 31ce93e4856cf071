import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { CreateUserRequest, toCreateUser } from './identity.dto';
import { UserList, UserView } from './identity-views.dto';
import { UserRepository } from '@chainmail/identity';
import { TeamsService } from './teams.service';

/** Users: admins create and list them; a user's first token is `POST /v1/tokens {userId}`. */
@ApiTags('identity')
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly teams: TeamsService,
    private readonly users: UserRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  @ApiResponse({ status: 201, type: UserView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest): Promise<UserView> {
    return this.teams.createUser(actor, toCreateUser(body));
  }

  @Get()
  @RequireScope('admin')
  @ApiOkResponse({ type: UserList })
  async list(): Promise<UserList> {
    return { users: await this.users.list() };
  }

  @Get(':id')
  @RequireScope('admin')
  @ApiOkResponse({ type: UserView })
  get(@Param('id') id: string): Promise<UserView> {
    return this.teams.user(id);
  }
}
