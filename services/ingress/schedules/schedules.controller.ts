import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { ScheduleReadRepository } from '@chainmail/persistence';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { canSee } from '../ownership/owner-access';
import { PauseScheduleUseCase } from './pause-schedule.usecase';
import { ScheduleList, ScheduleStateView } from './schedule.view';
import { scheduleId, scheduleKeys, toScheduleSummaries } from './schedules.dto';

/**
 * `GET /v1/schedules`: each schedule of each active workflow version with its cron in words,
 * steps, next run, and last run with its status: the seed's Scheduled Workflows panel as data.
 * `POST /v1/schedules/:id/pause` and `/resume`: stop and restart one schedule.
 */
@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(ScheduleReadRepository) private readonly ticks: ScheduleReadRepository,
    private readonly pausing: PauseScheduleUseCase,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: ScheduleList })
  async list(@CurrentActor() actor: Actor): Promise<ScheduleList> {
    // The schedules of the workflows the caller sees: each runs as its workflow's owner.
    const entries = this.catalog.list().filter((entry) => canSee(actor, entry.owner));
    const lastRuns = await this.ticks.lastRuns(scheduleKeys(entries));
    return { schedules: toScheduleSummaries(entries, lastRuns, Date.now()) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    summary:
      'pause a schedule (`<workflow>:<n>`, or the workflow when it has one): no run fires until resumed',
  })
  @ApiOkResponse({ type: ScheduleStateView })
  pause(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleStateView> {
    return this.change(actor, id, true);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    summary: 'resume a paused schedule: it fires from its next tick (ticks while paused are not caught up)',
  })
  @ApiOkResponse({ type: ScheduleStateView })
  resume(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ScheduleStateView> {
    return this.change(actor, id, false);
  }

  private async change(actor: Actor, id: string, paused: boolean): Promise<ScheduleStateView> {
    const done = await this.pausing.execute(actor, id, paused);
    return { id: scheduleId(done.name, done.schedule), ...done };
  }
}
