import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { SchedulingModule } from './scheduling.module';

/**
 * Scheduling alone: connects NATS (streams ensured) and Postgres (migrations applied), keeps the
 * durable timers from RUN_EVENTS and sends `FireTimer` when one is due, and starts a run at each
 * cron tick of the active workflow versions. SIGTERM finishes the batch and the passes in hand,
 * then stops; nothing armed is lost, and missed ticks follow each schedule's `catch_up`.
 */
void startProcess({
  config: loadConfig(process.env),
  processName: 'scheduling',
  database: true,
  modules: [SchedulingModule],
});
