import { Controller, Get, Header, Inject, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ChainmailConfig } from '@chainmail/config';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import { CaughtMailRepository } from '@chainmail/persistence';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import {
  CurrentActor,
  LocalMailboxPage,
  RequireScope,
  type AuthenticatedRequest,
} from '../identity/access.decorators';
import { CaughtMailDetailView, MailboxList, MailboxQuery } from './mailbox.dto';
import { mailboxPage } from './mailbox.page';

/** What the local mail catcher caught: `GET /v1/mailbox`, `GET /v1/mailbox/:id` and the `/mailbox` page. */
@ApiTags('mailbox')
@Controller()
export class MailboxController {
  private readonly mailbox: CaughtMailRepository;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
  ) {
    this.mailbox = new CaughtMailRepository(dataSource);
  }

  @Get('v1/mailbox')
  @RequireScope('read')
  @ApiOkResponse({ type: MailboxList })
  async list(@CurrentActor() actor: Actor, @Query() query: MailboxQuery): Promise<MailboxList> {
    this.requireMailboxReader(actor);
    return { catcher: this.config.mailCatcher, mails: await this.mailbox.list(query.limit) };
  }

  @Get('v1/mailbox/:id')
  @RequireScope('read')
  @ApiOkResponse({ type: CaughtMailDetailView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaughtMailDetailView> {
    this.requireMailboxReader(actor);
    const mail = /^\d{1,15}$/.test(id) ? await this.mailbox.get(Number(id)) : null;
    if (!mail) throw new NotFoundException(`No caught mail has the id "${id}".`);
    return mail;
  }

  /** Open without a token only for the local catcher on loopback (`chainmail up`); otherwise `read`. */
  @Get('mailbox')
  @LocalMailboxPage()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'the caught mail as an HTML page', schema: { type: 'string' } })
  async page(@Req() req: AuthenticatedRequest): Promise<string> {
    // No caller: the local catcher's page on loopback, opened by the guard.
    if (req.actor !== undefined) this.requireMailboxReader(req.actor);
    return mailboxPage(await this.mailbox.listDetailed(50), this.config.mailCatcher);
  }

  /**
   * The catcher holds the mail of every owner's runs: admins read it, and anyone on the local
   * catcher of `chainmail up` (one person's machine, the API on loopback).
   */
  private requireMailboxReader(actor: Actor): void {
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
