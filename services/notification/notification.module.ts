import { DynamicModule, Module, type Provider } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { CHAINMAIL_CONFIG } from '@chainmail/platform';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NOTIFICATION_SETTINGS,
  type NotificationSettings,
} from './notification.settings';
import { NotificationService } from './notification.service';
import { MAIL_SENDER, WEBHOOK_POSTER } from './notification.tokens';
import { createMailSender } from './smtp-mailer';
import { FetchWebhookPoster } from './webhook-poster';

const providers = (settings: NotificationSettings): Provider[] => [
  { provide: NOTIFICATION_SETTINGS, useValue: settings },
  {
    provide: MAIL_SENDER,
    inject: [CHAINMAIL_CONFIG],
    useFactory: (config: ChainmailConfig) => createMailSender(config),
  },
  {
    provide: WEBHOOK_POSTER,
    inject: [NOTIFICATION_SETTINGS],
    useFactory: (s: NotificationSettings) => new FetchWebhookPoster(s.webhookTimeoutMs),
  },
  NotificationService,
];

/**
 * Notifications from RUN_EVENTS: mail over SMTP and webhooks, each recorded in `deliveries`. Takes
 * NATS_CONNECTION, DATA_SOURCE, DEFINITION_CATALOG, CHAINMAIL_CONFIG and TELEMETRY from the
 * process's PlatformModule (global).
 */
@Module({ providers: providers(DEFAULT_NOTIFICATION_SETTINGS), exports: [NotificationService] })
export class NotificationModule {
  /** The same module with other settings (retry policies, concurrency, auto start). */
  static register(settings: Partial<NotificationSettings> = {}): DynamicModule {
    return {
      module: NotificationModule,
      providers: [
        { provide: NOTIFICATION_SETTINGS, useValue: { ...DEFAULT_NOTIFICATION_SETTINGS, ...settings } },
      ],
      exports: [NotificationService],
    };
  }
}
