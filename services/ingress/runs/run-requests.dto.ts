import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDate, IsIn, IsInt, IsOptional, IsString, Min, ValidateIf } from 'class-validator';
import type { CheckpointDecision } from '@chainmail/contracts';
import { RUN_VIEW_STATUSES, type RunViewStatus } from '@chainmail/persistence';
import { anyJson } from '../api/any-json.schema';

/** `GET /v1/runs?workflow=&status=&since=&limit=&before=`. */
export class ListRunsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString({ message: 'must be one workflow name' }) workflow?: string;

  @ApiPropertyOptional({ enum: RUN_VIEW_STATUSES })
  @IsOptional()
  @IsIn(RUN_VIEW_STATUSES, { message: `must be one of ${RUN_VIEW_STATUSES.join(', ')}` })
  status?: RunViewStatus;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'runs started at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 time, e.g. 2026-01-31T09:00:00Z' })
  since?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number ≥ 1 (at most 500)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (at most 500)' })
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString({ message: 'must be the nextCursor of a page' })
  before?: string;
}

const DECISIONS: readonly CheckpointDecision[] = ['approve', 'reject', 'edit'];

/** `POST /v1/runs/:id/checkpoints/:step`. */
export class CheckpointRequest {
  static readonly example = '{"action": "approve", "comment": "looks good"}';

  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS, { message: `must be one of ${DECISIONS.join(', ')}` })
  action!: CheckpointDecision;

  @ApiPropertyOptional(anyJson('for `edit`: the new input (text, or any JSON, kept as JSON text)'))
  @Allow()
  input?: unknown;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsString({ message: 'must be text' })
  comment?: string;
}
