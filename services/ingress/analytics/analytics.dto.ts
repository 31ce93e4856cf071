import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { ANALYTICS_BUCKETS, type AnalyticsBucket } from '@chainmail/contracts';

const TIME_MESSAGE = 'must be an ISO-8601 time, e.g. 2026-01-31T09:00:00Z';

/** `?since=&until=&bucket=`: the window of runs (by their start) the figures are of. */
export class AnalyticsWindowQuery {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'runs started at or after (default: 7 days before `until`)',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: TIME_MESSAGE })
  since?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'runs started before (default: now)',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: TIME_MESSAGE })
  until?: Date;
}

export class AnalyticsSeriesQuery extends AnalyticsWindowQuery {
  @ApiPropertyOptional({
    enum: ANALYTICS_BUCKETS,
    description: 'bucket of `series` (default: hour for a window of 2 days or less, else day)',
  })
  @IsOptional()
  @IsIn(ANALYTICS_BUCKETS, { message: `must be one of ${ANALYTICS_BUCKETS.join(', ')}` })
  bucket?: AnalyticsBucket;
}

/** `GET /v1/analytics/workflows/:name?since=&until=&version=&bucket=`. */
export class WorkflowAnalyticsRequest extends AnalyticsSeriesQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'only the runs of this version' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number ≥ 1 (a published version)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (a published version)' })
  version?: number;
}
