import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_SCHEDULING_SETTINGS,
  SCHEDULING_SETTINGS,
  type SchedulingSettings,
} from './scheduling.settings';
import { CronScheduler } from './cron-scheduler.service';
import { ScheduleRepository } from './schedule.repository';
import { TimerRepository } from './timer.repository';
import { TimerService } from './timer.service';

const providers = (settings: SchedulingSettings): Provider[] => [
  { provide: SCHEDULING_SETTINGS, useValue: settings },
  {
    provide: TimerRepository,
    inject: [DATA_SOURCE],
    useFactory: (ds: DataSource) => new TimerRepository(ds),
  },
  TimerService,
  {
    provide: ScheduleRepository,
    inject: [DATA_SOURCE],
    useFactory: (ds: DataSource) => new ScheduleRepository(ds),
  },
  CronScheduler,
];

/**
 * Durable timers (retry backoff, step and run timeouts) kept from RUN_EVENTS and fired as
 * `FireTimer` commands, and cron triggers of the active workflow versions fired as `StartRun`.
 * Takes NATS_CONNECTION, DATA_SOURCE, EVENT_LOG_NAMES, DEFINITION_CATALOG and TELEMETRY from the
 * process's PlatformModule (global). Exports `TimerService` and `CronScheduler`.
 */
@Module({ providers: providers(DEFAULT_SCHEDULING_SETTINGS), exports: [TimerService, CronScheduler] })
export class SchedulingModule {
  /** The same module with other settings (batch size, poll interval, clock, auto start). */
  static register(settings: Partial<SchedulingSettings> = {}): DynamicModule {
    return {
      module: SchedulingModule,
      providers: [
        { provide: SCHEDULING_SETTINGS, useValue: { ...DEFAULT_SCHEDULING_SETTINGS, ...settings } },
      ],
      exports: [TimerService, CronScheduler],
    };
  }
}
