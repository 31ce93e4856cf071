import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { TeamQuery } from '../ownership/team.query';
import { SecretAnswer, SecretDeleted, SecretList, SecretValueRequest } from './secret-value.dto';
import { SecretsService } from './secrets.service';

/** `{{secrets.NAME}}` values: written here, resolved only where they are used, never answered. */
@ApiTags('secrets')
@Controller('v1/secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Put(':name')
  @RequireScope('write')
  @ApiConsumes('application/json', 'text/plain')
  @ApiOkResponse({ type: SecretAnswer })
  async put(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: SecretValueRequest,
    @Query() query: TeamQuery,
  ): Promise<SecretAnswer> {
    return { secret: await this.secrets.put(actor, name, query.team, body.value) };
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: SecretList })
  async list(@CurrentActor() actor: Actor, @Query() query: TeamQuery): Promise<SecretList> {
    return { secrets: await this.secrets.list(actor, query.team) };
  }

  @Get(':name')
  @RequireScope('read')
  @ApiOkResponse({ type: SecretAnswer })
  async get(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query() query: TeamQuery,
  ): Promise<SecretAnswer> {
    return { secret: await this.secrets.get(actor, name, query.team) };
  }

  @Delete(':name')
  @RequireScope('write')
  @ApiOkResponse({ type: SecretDeleted })
  async delete(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query() query: TeamQuery,
  ): Promise<SecretDeleted> {
    return { deleted: await this.secrets.delete(actor, name, query.team) };
  }
}
