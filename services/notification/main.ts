import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { NotificationModule } from './notification.module';

/**
 * The notification service alone: connects NATS and Postgres (migrations applied), then sends
 * each run's mails and webhooks from RUN_EVENTS. SIGTERM finishes the deliveries in hand and stops.
 */
void startProcess({
  config: loadConfig(process.env),
  processName: 'notification',
  database: true,
  modules: [NotificationModule],
});
