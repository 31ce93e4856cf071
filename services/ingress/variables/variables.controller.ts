import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { TeamQuery } from '../ownership/team.query';
import {
  VariableAnswer,
  VariableDeleted,
  VariableHistory,
  VariableList,
  VariableValueRequest,
} from './variable.dto';
import { VariablesService } from './variables.service';

/** `{{vars.NAME}}` of an owner's runs: visible, versioned (every write and deletion kept). */
@ApiTags('variables')
@Controller('v1/variables')
export class VariablesController {
  constructor(private readonly variables: VariablesService) {}

  @Put(':name')
  @RequireScope('write')
  @ApiOkResponse({ type: VariableAnswer })
  async put(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: VariableValueRequest,
    @Query() query: TeamQuery,
  ): Promise<VariableAnswer> {
    return { variable: await this.variables.put(actor, name, query.team, body.value) };
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: VariableList })
  async list(@CurrentActor() actor: Actor, @Query() query: TeamQuery): Promise<VariableList> {
    return { variables: await this.variables.list(actor, query.team) };
  }

  @Get(':name')
  @RequireScope('read')
  @ApiOkResponse({ type: VariableHistory })
  get(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query() query: TeamQuery,
  ): Promise<VariableHistory> {
    return this.variables.get(actor, name, query.team);
  }

  @Delete(':name')
  @RequireScope('write')
  @ApiOkResponse({ type: VariableDeleted })
  async delete(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query() query: TeamQuery,
  ): Promise<VariableDeleted> {
    return { deleted: await this.variables.delete(actor, name, query.team) };
  }
}
