import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@chainmail/event-log';
import { RequireScope } from './access.decorators';
import { AuditQuery } from './identity.dto';
import { AuditPage } from './identity-views.dto';

const DEFAULT_LIMIT = 100;

/** `GET /v1/audit?action=&actor=&target=&since=&before=&limit=`: who did what, newest first (admin). */
@ApiTags('identity')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @Get()
  @RequireScope('admin')
  @ApiOkResponse({ type: AuditPage })
  async list(@Query() query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const entries = await this.audit.list({ ...query, limit });
    // A full page may have more behind it: the next page is `before=<seq of the last entry>`.
    return { entries, next: entries.length === limit ? entries[entries.length - 1].seq : null };
  }
}
