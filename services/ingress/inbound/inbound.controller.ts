import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { canSee } from '../ownership/owner-access';
import { InboundList, InboundQuery } from './inbound.dto';
import { InboundRepository } from './inbound.repository';

/** Every mail and webhook call that reached the edge, accepted or refused and why; newest first. */
@ApiTags('inbound')
@Controller('v1/inbound')
export class InboundController {
  constructor(
    private readonly inbound: InboundRepository,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: InboundList })
  async list(@CurrentActor() actor: Actor, @Query() query: InboundQuery): Promise<InboundList> {
    const messages = await this.inbound.list({
      ...query,
      // What reached the caller's workflows (each record names its workflow, whose owner is fixed);
      // mail and calls that reached no workflow only to admins, who run the edge.
      workflows: this.catalog
        .list()
        .filter((entry) => canSee(actor, entry.owner))
        .map((entry) => entry.name),
      unbound: actor.admin,
    });
    return { messages };
  }
}
