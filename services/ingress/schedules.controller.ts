import { Controller, Get, Inject } from '@nestjs/common';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { ScheduleReadRepository } from '@chainmail/persistence';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import { RequireScope } from './identity/access.decorators';
import { scheduleKeys, toScheduleSummaries, type ScheduleSummary } from './schedules.dto';

/**
 * `GET /v1/schedules`: each schedule of each active workflow version with its cron in words,
 * steps, next run, and last run with its status: the seed's Scheduled Workflows panel as data.
 */
@Controller('v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(ScheduleReadRepository) private readonly ticks: ScheduleReadRepository,
  ) {}

  @Get()
  @RequireScope('read')
  async list(): Promise<{ schedules: ScheduleSummary[] }> {
    const entries = this.catalog.list();
    const lastRuns = await this.ticks.lastRuns(scheduleKeys(entries));
    return { schedules: toScheduleSummaries(entries, lastRuns, Date.now()) };
  }
}
