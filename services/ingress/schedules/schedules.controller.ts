import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { ScheduleReadRepository } from '@chainmail/persistence';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { canSee } from '../ownership/owner-access';
import { ScheduleList } from './schedule.view';
import { scheduleKeys, toScheduleSummaries } from './schedules.dto';

/**
 * `GET /v1/schedules`: each schedule of each active workflow version with its cron in words,
 * steps, next run, and last run with its status: the seed's Scheduled Workflows panel as data.
 */
@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(ScheduleReadRepository) private readonly ticks: ScheduleReadRepository,
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
}
