import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import {
  InstalledWorkflow,
  InstallListingBody,
  ListingDetail,
  ListingList,
  ListingQuery,
  PublishedListing,
  PublishListingBody,
  StarAnswer,
  UnpublishedListing,
} from './listing.dto';
import { MarketplaceService } from './marketplace.service';

/** Shared workflows: publish a version as a listing, find, star, install, unpublish. */
@ApiTags('marketplace')
@Controller('v1/marketplace/listings')
export class MarketplaceController {
  constructor(private readonly marketplace: MarketplaceService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiResponse({ status: 201, type: PublishedListing })
  publish(@CurrentActor() actor: Actor, @Body() body: PublishListingBody): Promise<PublishedListing> {
    return this.marketplace.publish(actor, body);
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: ListingList })
  list(@CurrentActor() actor: Actor, @Query() query: ListingQuery): ListingList {
    return { listings: this.marketplace.list(actor, query) };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: ListingDetail })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): ListingDetail {
    return this.marketplace.get(actor, id);
  }

  /** Hidden from the marketplace; copies already installed keep working. */
  @Delete(':id')
  @RequireScope('write')
  @ApiOkResponse({ type: UnpublishedListing })
  unpublish(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UnpublishedListing> {
    return this.marketplace.unpublish(actor, id);
  }

  @Post(':id/star')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOkResponse({ type: StarAnswer })
  star(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StarAnswer> {
    return this.marketplace.star(actor, id, true);
  }

  @Delete(':id/star')
  @RequireScope('write')
  @ApiOkResponse({ type: StarAnswer })
  unstar(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StarAnswer> {
    return this.marketplace.star(actor, id, false);
  }

  /** A copy in your namespace, pinned to the listing version, with your agents in place of the listed ones. */
  @Post(':id/install')
  @HttpCode(201)
  @RequireScope('write')
  @ApiResponse({ status: 201, type: InstalledWorkflow })
  install(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: InstallListingBody,
  ): Promise<InstalledWorkflow> {
    return this.marketplace.install(actor, id, body);
  }
}
