import { Module } from '@nestjs/common';
import { AnalyticsReadRepository } from '@chainmail/persistence';
import { DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import { AnalyticsController } from './analytics.controller';

/** `GET /v1/analytics/…`: figures from the projector's analytics read models. */
@Module({
  controllers: [AnalyticsController],
  providers: [
    {
      provide: AnalyticsReadRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new AnalyticsReadRepository(db),
    },
  ],
})
export class AnalyticsModule {}
