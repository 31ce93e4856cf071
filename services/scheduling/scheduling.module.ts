import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_SCHEDULING_SETTINGS,
  SCHEDULING_SETTINGS,
  type SchedulingSettings,
} from './scheduling.settings';
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
];

/**
 * Durable timers (retry backoff, step and run timeouts) kept from RUN_EVENTS and fired as
 * `FireTimer` commands. Takes NATS_CONNECTION, DATA_SOURCE and EVENT_LOG_NAMES from the process's
 * PlatformModule (global). Exports `TimerService`.
 */
@Module({ providers: providers(DEFAULT_SCHEDULING_SETTINGS), exports: [TimerService] })
export class SchedulingModule {
  /** The same module with other settings (batch size, poll interval, clock, auto start). */
  static register(settings: Partial<SchedulingSettings> = {}): DynamicModule {
    return {
      module: SchedulingModule,
      providers: [
        { provide: SCHEDULING_SETTINGS, useValue: { ...DEFAULT_SCHEDULING_SETTINGS, ...settings } },
      ],
      exports: [TimerService],
    };
  }
}
