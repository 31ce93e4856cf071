import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `GET /v1/schedules` as the OpenAPI document shows it (the shape of `ScheduleSummary`). */

class LastScheduledRunView {
  @ApiProperty() runId!: string;
  @ApiProperty({ format: 'date-time' }) scheduledFor!: string;
  @ApiProperty({ format: 'date-time' }) firedAt!: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
}

class ScheduleChangeView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'the user who paused or resumed it' }) by!: string;
}

export class ScheduleView {
  @ApiProperty({
    example: 'daily-news-digest:0',
    description: 'what /v1/schedules/:id/pause and /resume take',
  })
  id!: string;
  @ApiProperty({ description: "the workflow's name" }) name!: string;
  @ApiProperty({ description: "the workflow's owner: the schedule's runs are its" }) owner!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'which of the workflow\'s schedule triggers ("0", "1"…)' }) schedule!: string;
  @ApiProperty({ example: '0 7 * * *' }) cron!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone!: string;
  @ApiProperty({ example: 'Every day at 7:00' }) description!: string;
  @ApiProperty({ enum: ['none', 'last'] }) catchUp!: string;
  @ApiProperty({ type: [String] }) steps!: string[];
  @ApiProperty({ enum: ['email', 'webhook', 'both', 'none'] }) output!: string;
  @ApiProperty({ description: 'paused: it does not fire until resumed' }) paused!: boolean;
  @ApiProperty({ type: ScheduleChangeView, nullable: true, description: 'the last pause or resume' })
  pausedChange!: ScheduleChangeView | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextRunAt!: string | null;
  @ApiProperty({ type: LastScheduledRunView, nullable: true }) lastRun!: LastScheduledRunView | null;
  @ApiPropertyOptional({ description: 'why it does not fire, when it cannot' }) problem?: string;
}

export class ScheduleList {
  @ApiProperty({ type: [ScheduleView] }) schedules!: ScheduleView[];
}

export class ScheduleStateView {
  @ApiProperty({ example: 'daily-news-digest:0' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '0' }) schedule!: string;
  @ApiProperty() paused!: boolean;
}
