import { NotFoundException, type FactoryProvider } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import { CaughtMailRepository } from '@chainmail/persistence';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import type { CaughtMailDetailView, MailboxList } from './mailbox.dto';
import { mailboxPage } from './mailbox.page';

const PAGE_MAILS = 50;

/**
 * The local mail catcher's mail. It holds the mail of every owner's runs: admins read it, and
 * anyone on the local catcher of `chainmail up` (one person's machine, the API on loopback).
 */
export class MailboxService {
  constructor(
    private readonly mailbox: CaughtMailRepository,
    private readonly config: Pick<ChainmailConfig, 'mailCatcher' | 'httpHost'>,
  ) {}

  async list(actor: Actor, limit: number | undefined): Promise<MailboxList> {
    this.requireReader(actor);
    return { catcher: this.config.mailCatcher, mails: await this.mailbox.list(limit) };
  }

  async get(actor: Actor, id: string): Promise<CaughtMailDetailView> {
    this.requireReader(actor);
    const mail = /^\d{1,15}$/.test(id) ? await this.mailbox.get(Number(id)) : null;
    if (!mail) throw new NotFoundException(`No caught mail has the id "${id}".`);
    return mail;
  }

  /** The HTML page; no caller: the local catcher's page on loopback, opened by the guard. */
  async page(actor: Actor | undefined): Promise<string> {
    if (actor !== undefined) this.requireReader(actor);
    return mailboxPage(await this.mailbox.listDetailed(PAGE_MAILS), this.config.mailCatcher);
  }

  private requireReader(actor: Actor): void {
    if (actor.admin || this.localCatcher()) return;
    throw new ChainmailError(
      'FORBIDDEN',
      'The mail catcher holds the mail of every owner: only admins read it on a shared server.',
      { required: 'admin-user' },
    );
  }

  private localCatcher(): boolean {
    const host = this.config.httpHost;
    return this.config.mailCatcher && (host === 'localhost' || host === '::1' || host.startsWith('127.'));
  }
}

export const MAILBOX_SERVICE: FactoryProvider<MailboxService> = {
  provide: MailboxService,
  inject: [DATA_SOURCE, CHAINMAIL_CONFIG],
  useFactory: (db: DataSource, config: ChainmailConfig) =>
    new MailboxService(new CaughtMailRepository(db), config),
};
