import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { ProjectorModule } from './projector.module';

/**
 * The projector alone: connects NATS (streams ensured) and Postgres (migrations applied), then
 * consumes RUN_EVENTS into the read models. SIGTERM drains the batch in hand and stops.
 */
void startProcess({
  config: loadConfig(process.env),
  processName: 'projector',
  database: true,
  modules: [ProjectorModule],
});
