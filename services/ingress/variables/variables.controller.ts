import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import type { Actor } from '@chainmail/contracts';
import type { VariableInfo, VariableVersion } from '@chainmail/secrets';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { VariablesService } from './variables.service';

/** `{{vars.NAME}}` of an owner's runs: visible, versioned (every write and deletion kept). */
@Controller('v1/variables')
export class VariablesController {
  constructor(private readonly variables: VariablesService) {}

  @Put(':name')
  @RequireScope('write')
  async put(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: unknown,
    @Query('team') team?: string,
  ): Promise<{ variable: VariableInfo }> {
    return { variable: await this.variables.put(actor, name, team, body) };
  }

  @Get()
  @RequireScope('read')
  async list(
    @CurrentActor() actor: Actor,
    @Query('team') team?: string,
  ): Promise<{ variables: VariableInfo[] }> {
    return { variables: await this.variables.list(actor, team) };
  }

  @Get(':name')
  @RequireScope('read')
  get(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query('team') team?: string,
  ): Promise<{ variable: VariableInfo; versions: VariableVersion[] }> {
    return this.variables.get(actor, name, team);
  }

  @Delete(':name')
  @RequireScope('write')
  async delete(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query('team') team?: string,
  ): Promise<{ deleted: VariableVersion }> {
    return { deleted: await this.variables.delete(actor, name, team) };
  }
}
