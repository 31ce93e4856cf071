import { Controller, Get, Inject, Param } from '@nestjs/common';
import { DeliveryRepository, type DeliveryRecord } from '@chainmail/persistence';
import { DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import { RequireScope } from './identity/access.decorators';
import { RunQueries } from './run-queries';

/** A run's notifications: every mail and webhook call, with its status, attempts and last error. */
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
  async list(@Param('id') id: string): Promise<{ runId: string; deliveries: DeliveryRecord[] }> {
    const deliveries = await this.deliveries.listForRun(id);
    // No deliveries yet is an answer for a run that exists; 404 for one that does not.
    if (deliveries.length === 0) await this.queries.run(id);
    return { runId: id, deliveries };
  }
}
