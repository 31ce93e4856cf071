import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { Actor } from '@chainmail/contracts';
import { AnalyticsReadRepository } from '@chainmail/persistence';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { ownersVisibleTo } from '../ownership/owner-access';
import { workflowFor } from '../workflows/workflow-access';
import { AnalyticsSeriesQuery, AnalyticsWindowQuery, WorkflowAnalyticsRequest } from './analytics.dto';
import { resolveWindow } from './analytics-window';
import { AgentAnalyticsView, AnalyticsOverviewView, WorkflowAnalyticsView } from './analytics.view';

/**
 * Figures of the runs started in a window, from the projector's analytics read models: per
 * workflow (with its steps, errors, checkpoint waits, versions and a series), per agent, and an
 * overview. A caller counts only the runs of the owners it sees (its own and its teams').
 */
@ApiTags('analytics')
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    @Inject(AnalyticsReadRepository) private readonly analytics: AnalyticsReadRepository,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
  ) {}

  @Get('overview')
  @RequireScope('read')
  @ApiOkResponse({ type: AnalyticsOverviewView })
  async overview(
    @CurrentActor() actor: Actor,
    @Query() query: AnalyticsSeriesQuery,
  ): Promise<AnalyticsOverviewView> {
    return this.analytics.overview({ ...resolveWindow(query, Date.now()), owners: ownersVisibleTo(actor) });
  }

  @Get('agents')
  @RequireScope('read')
  @ApiOkResponse({ type: AgentAnalyticsView })
  async agents(
    @CurrentActor() actor: Actor,
    @Query() query: AnalyticsWindowQuery,
  ): Promise<AgentAnalyticsView> {
    const { since, until } = resolveWindow(query, Date.now());
    return {
      since,
      until,
      agents: await this.analytics.agents({ since, until, owners: ownersVisibleTo(actor) }),
    };
  }

  @Get('workflows/:name')
  @RequireScope('read')
  @ApiOkResponse({ type: WorkflowAnalyticsView })
  async workflow(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Query() query: WorkflowAnalyticsRequest,
  ): Promise<WorkflowAnalyticsView> {
    // 404 for a workflow the caller does not see, as everywhere else.
    workflowFor(this.catalog, actor, name, 'read');
    return this.analytics.workflow({
      ...resolveWindow(query, Date.now()),
      workflow: name,
      version: query.version,
      owners: ownersVisibleTo(actor),
    });
  }
}
