import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DeliveryRepository } from '@chainmail/persistence';
import { DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { RunQueries } from './run-queries';
import { DeliveryList } from './run.dto';

/** A run's notifications: every mail and webhook call, with its status, attempts and last error. */
@ApiTags('runs')
@Controller('v1/runs')
export class DeliveriesController {
  private readonly deliveries: DeliveryRepository;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    private readonly queries: RunQueries,
  ) {
    this.deliveries = new DeliveryRepository(dataSource);
  }

  @Get(':id/deliveries')
  @RequireScope('read')
  @ApiOkResponse({ type: DeliveryList })
  async list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeliveryList> {
    // A run the caller does not see is 404, with deliveries or without.
    await this.queries.visibleRun(actor, id, 'read');
    return { runId: id, deliveries: await this.deliveries.listForRun(id) };
  }
}
