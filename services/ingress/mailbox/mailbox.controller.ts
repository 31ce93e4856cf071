import { Controller, Get, Header, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import {
  CurrentActor,
  LocalMailboxPage,
  RequireScope,
  type AuthenticatedRequest,
} from '../identity/access.decorators';
import { CaughtMailDetailView, MailboxList, MailboxQuery } from './mailbox.dto';
import { MailboxService } from './mailbox.service';

/** What the local mail catcher caught: `GET /v1/mailbox`, `GET /v1/mailbox/:id` and the `/mailbox` page. */
@ApiTags('mailbox')
@Controller()
export class MailboxController {
  constructor(private readonly mailbox: MailboxService) {}

  @Get('v1/mailbox')
  @RequireScope('read')
  @ApiOkResponse({ type: MailboxList })
  list(@CurrentActor() actor: Actor, @Query() query: MailboxQuery): Promise<MailboxList> {
    return this.mailbox.list(actor, query.limit);
  }

  @Get('v1/mailbox/:id')
  @RequireScope('read')
  @ApiOkResponse({ type: CaughtMailDetailView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaughtMailDetailView> {
    return this.mailbox.get(actor, id);
  }

  /** Open without a token only for the local catcher on loopback (`chainmail up`); otherwise `read`. */
  @Get('mailbox')
  @LocalMailboxPage()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'the caught mail as an HTML page', schema: { type: 'string' } })
  page(@Req() req: AuthenticatedRequest): Promise<string> {
    return this.mailbox.page(req.actor);
  }
}
