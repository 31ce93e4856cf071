import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ChainmailError } from '@chainmail/contracts';
import { AUDIT_LIST_MAX, AuditLog, type StoredAuditEntry } from '@chainmail/event-log';
import { RequireScope } from './access.decorators';

/** `GET /v1/audit?action=&actor=&target=&since=&before=&limit=`: who did what, newest first (admin). */
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @Get()
  @RequireScope('admin')
  async list(
    @Query('action') action?: string,
    @Query('actor') actor?: string,
    @Query('target') target?: string,
    @Query('since') since?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<{ entries: StoredAuditEntry[]; next: number | null }> {
    const limitNumber = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(limitNumber) || limitNumber < 1 || limitNumber > AUDIT_LIST_MAX) {
      throw new ChainmailError('BAD_REQUEST', `limit must be a whole number from 1 to ${AUDIT_LIST_MAX}.`, {
        limit,
      });
    }
    const beforeNumber = before === undefined ? undefined : Number(before);
    if (beforeNumber !== undefined && (!Number.isInteger(beforeNumber) || beforeNumber < 1)) {
      throw new ChainmailError('BAD_REQUEST', 'before must be the seq of an entry (a whole number).', {
        before,
      });
    }
    const sinceDate = since === undefined ? undefined : new Date(since);
    if (sinceDate !== undefined && Number.isNaN(sinceDate.getTime())) {
      throw new ChainmailError('BAD_REQUEST', 'since must be an ISO-8601 time.', { since });
    }
    const entries = await this.audit.list({
      action,
      actor,
      target,
      since: sinceDate,
      before: beforeNumber,
      limit: limitNumber,
    });
    // A full page may have more behind it: the next page is `before=<seq of the last entry>`.
    return { entries, next: entries.length === limitNumber ? entries[entries.length - 1].seq : null };
  }
}
