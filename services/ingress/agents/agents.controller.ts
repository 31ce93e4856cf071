import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { TeamQuery } from '../ownership/team.query';
import {
  AgentEntryRequest,
  AgentList,
  AgentPut,
  AgentRemoved,
  AgentView,
  RemoveAgentQuery,
} from './agent.dto';
import { AgentsService } from './agents.service';

/** `/v1/agents`: the agent directory, builtins and registered entries. */
@ApiTags('agents')
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: AgentList })
  list(@CurrentActor() actor: Actor): AgentList {
    return this.agents.list(actor);
  }

  @Get(':address')
  @RequireScope('read')
  @ApiOkResponse({ type: AgentView })
  get(@CurrentActor() actor: Actor, @Param('address') address: string): AgentView {
    return this.agents.get(actor, address);
  }

  /** The body goes to the registry whole: it checks the entry for its kind (422 with each field's path). */
  @Put(':address')
  @RequireScope('write')
  @ApiBody({ type: AgentEntryRequest })
  @ApiOkResponse({ type: AgentPut })
  put(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Body() body: Record<string, unknown>,
    @Query() query: TeamQuery,
  ): Promise<AgentPut> {
    return this.agents.put(actor, address, body, query.team);
  }

  @Delete(':address')
  @RequireScope('write')
  @ApiOkResponse({ type: AgentRemoved })
  remove(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Query() query: RemoveAgentQuery,
  ): Promise<AgentRemoved> {
    return this.agents.remove(actor, address, query.force === true);
  }
}
