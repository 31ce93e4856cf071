import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import {
  INBOUND_CHANNELS,
  INBOUND_STATUSES,
  type InboundChannel,
  type InboundStatus,
} from '@chainmail/persistence';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { canSee } from '../ownership/owner-access';
import { INBOUND_LIST_MAX, InboundRepository } from './inbound.repository';

/** Every mail and webhook call that reached the edge, accepted or refused and why; newest first. */
@Controller('v1/inbound')
export class InboundController {
  constructor(
    private readonly inbound: InboundRepository,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
  ) {}

  @Get()
  @RequireScope('read')
  async list(
    @CurrentActor() actor: Actor,
    @Query('channel') channel?: string,
    @Query('status') status?: string,
    @Query('workflow') workflow?: string,
    @Query('limit') limit?: string,
  ): Promise<unknown> {
    if (channel !== undefined && !INBOUND_CHANNELS.includes(channel as InboundChannel)) {
      throw new ChainmailError('BAD_REQUEST', `channel must be one of ${INBOUND_CHANNELS.join(', ')}.`, {
        channel,
      });
    }
    if (status !== undefined && !INBOUND_STATUSES.includes(status as InboundStatus)) {
      throw new ChainmailError('BAD_REQUEST', `status must be one of ${INBOUND_STATUSES.join(', ')}.`, {
        status,
      });
    }
    const limitNumber = limit !== undefined ? Number(limit) : undefined;
    if (limitNumber !== undefined && (!Number.isInteger(limitNumber) || limitNumber < 1)) {
      throw new ChainmailError(
        'BAD_REQUEST',
        `limit must be a whole number ≥ 1 (at most ${INBOUND_LIST_MAX}).`,
        { limit },
      );
    }
    const messages = await this.inbound.list({
      channel: channel as InboundChannel | undefined,
      status: status as InboundStatus | undefined,
      workflow,
      // What reached the caller's workflows (each record names its workflow, whose owner is fixed);
      // mail and calls that reached no workflow only to admins, who run the edge.
      workflows: this.catalog
        .list()
        .filter((entry) => canSee(actor, entry.owner))
        .map((entry) => entry.name),
      unbound: actor.admin,
      limit: limitNumber,
    });
    return { messages };
  }
}
