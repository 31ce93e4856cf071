import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { InstalledWorkflow } from './listing.dto';
import { MarketplaceService } from './marketplace.service';

export class UpdatedWorkflow extends InstalledWorkflow {
  @ApiProperty({ description: 'the listing version the copy had' }) previousListingVersion!: number;
}

@ApiTags('workflows')
@Controller('v1/workflows')
export class WorkflowUpdateController {
  constructor(private readonly marketplace: MarketplaceService) {}

  /** An installed copy takes its listing's newest version as its next version (roll back as for any version). */
  @Post(':name/update')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOkResponse({ type: UpdatedWorkflow })
  update(@CurrentActor() actor: Actor, @Param('name') name: string): Promise<UpdatedWorkflow> {
    return this.marketplace.update(actor, name);
  }
}
