import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { RunLog, type EventLogNames } from '@chainmail/event-log';
import { PROJECTION_APPLIED_SUBJECT, ProjectionWatermark, RunReadRepository } from '@chainmail/persistence';
import { DATA_SOURCE, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { RunViews } from './run-views';

/** The run read models and the projector's watermark, shared by every reader of runs in ingress. */
@Module({
  providers: [
    {
      provide: RunViews,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES, DATA_SOURCE],
      useFactory: (nc: NatsConnection, names: EventLogNames, db: DataSource) => {
        const reads = new RunReadRepository(db);
        const watermark = new ProjectionWatermark(nc, names.subject(PROJECTION_APPLIED_SUBJECT), (id) =>
          reads.runSequence(id),
        );
        return new RunViews(reads, watermark, new RunLog(nc, names));
      },
    },
  ],
  exports: [RunViews],
})
export class RunViewsModule implements OnApplicationShutdown {
  constructor(private readonly views: RunViews) {}

  onApplicationShutdown(): void {
    this.views.watermark.close();
  }
}
