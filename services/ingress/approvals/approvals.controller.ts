import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { ApprovalReadRepository } from '@chainmail/persistence';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { ownersWhereMay } from '../ownership/owner-access';
import { ApprovalList, ListApprovalsQuery } from './approvals.dto';

const DEFAULT_LIMIT = 100;

/**
 * `GET /v1/approvals`: the checkpoints that wait for a decision the caller may make, that is in
 * the runs it may run (its own, and its teams' where it is `runner` or more); each is decided with
 * `POST /v1/runs/:id/checkpoints/:step`.
 */
@ApiTags('approvals')
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(@Inject(ApprovalReadRepository) private readonly approvals: ApprovalReadRepository) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'open checkpoints the caller may decide, oldest wait first' })
  @ApiOkResponse({ type: ApprovalList })
  async list(@CurrentActor() actor: Actor, @Query() query: ListApprovalsQuery): Promise<ApprovalList> {
    const approvals = await this.approvals.pending({
      owners: ownersWhereMay(actor, 'run'),
      ...(query.workflow !== undefined ? { workflow: query.workflow } : {}),
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return { approvals };
  }
}
