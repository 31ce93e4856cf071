import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import type { Actor } from '@chainmail/contracts';
import type { SecretInfo } from '@chainmail/secrets';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { secretValueOf } from './secret-value.dto';
import { SecretsService } from './secrets.service';

/** `{{secrets.NAME}}` values: written here, resolved only where they are used, never answered. */
@Controller('v1/secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Put(':name')
  @RequireScope('write')
  async put(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: unknown,
    @Query('team') team?: string,
  ): Promise<{ secret: SecretInfo }> {
    return { secret: await this.secrets.put(actor, name, team, secretValueOf(body)) };
  }

  @Get()
  @RequireScope('read')
  async list(@CurrentActor() actor: Actor, @Query('team') team?: string): Promise<{ secrets: SecretInfo[] }> {
    return { secrets: await this.secrets.list(actor, team) };
  }

  @Get(':name')
  @RequireScope('read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query('team') team?: string,
  ): Promise<{ secret: SecretInfo }> {
    return { secret: await this.secrets.get(actor, name, team) };
  }

  @Delete(':name')
  @RequireScope('write')
  async delete(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query('team') team?: string,
  ): Promise<{ deleted: SecretInfo }> {
    return { deleted: await this.secrets.delete(actor, name, team) };
  }
}
