import {
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { CaughtMailRepository } from '@chainmail/persistence';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import { MailCatcher } from './mail-catcher';

/** Starts the catcher with the process when `CHAINMAIL_MAIL_CATCHER=true`; otherwise does nothing. */
@Injectable()
export class MailCatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('mail-catcher');
  private catcher?: MailCatcher;

  constructor(
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.mailCatcher) return;
    const catcher = new MailCatcher(new CaughtMailRepository(this.dataSource), this.config.maxMailBytes);
    const { httpHost: host, catcherSmtpPort: port } = this.config;
    try {
      const bound = await catcher.start(host, port);
      this.catcher = catcher;
      this.logger.log(`catching outbound mail on smtp://${host}:${bound}`);
    } catch (err) {
      // Another catcher (MailHog, Mailpit…) may own the port: mail then goes there, which is fine.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      this.logger.warn(
        `port ${port} is in use, so the local mail catcher is not started: outbound mail goes to whatever listens there (CHAINMAIL_CATCHER_SMTP_PORT moves it)`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.catcher?.stop();
  }
}

/** The catcher as a module of the all-in-one process (never of a service started alone). */
@Module({ providers: [MailCatcherService] })
export class MailCatcherModule {}
