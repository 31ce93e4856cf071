import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Min,
  ValidateIf,
} from 'class-validator';
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

/** Decisions through the REST API say whether the CLI made them; mail and links record their own. */
const API_VIAS = ['api', 'cli'] as const;

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

  @ApiPropertyOptional({
    enum: API_VIAS,
    default: 'api',
    description: 'how the decision is recorded: `cli` from the chainmail CLI, else `api`',
  })
  @IsOptional()
  @IsIn(API_VIAS, { message: `must be one of ${API_VIAS.join(', ')}` })
  via?: 'api' | 'cli';
}

/** `POST /v1/runs/:id/step`: run the paused step, optionally with another input (once). */
export class StepRunRequest {
  static readonly example = '{"input": "Research ERP vendors instead"}';

  @ApiPropertyOptional(
    anyJson(
      "replaces the paused step's resolved input for this run of it (text, or any JSON, kept as JSON text)",
    ),
  )
  @Allow()
  input?: unknown;
}

/** `POST /v1/runs/:id/rewind`. */
export class RewindRunRequest {
  static readonly example = '{"step": "summarize"}';

  @ApiProperty({ description: 'the top-level step to go back to (one the run reached)' })
  @IsString({ message: 'must be the id of a step the run reached' })
  @IsNotEmpty({ message: 'must be the id of a step the run reached' })
  step!: string;
}

/** `POST /v1/runs/:id/fork`. */
export class ForkRunRequest {
  static readonly example = '{"step": "summarize", "version": 2}';

  @ApiProperty({
    description: 'the top-level step the new run starts from; the results before it are carried over',
  })
  @IsString({ message: 'must be the id of a top-level step' })
  @IsNotEmpty({ message: 'must be the id of a top-level step' })
  step!: string;

  @ApiPropertyOptional({
    description: "the workflow version to run on (default: the run's pinned version)",
    minimum: 1,
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number ≥ 1 (a published version)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (a published version)' })
  version?: number;

  @ApiPropertyOptional({ description: 'pause the new run before each step (step-by-step debugging)' })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  debug?: boolean;
}

/** `GET /v1/runs/:id/state?at=SEQ`. */
export class RunStateQuery {
  @ApiPropertyOptional({ description: "a commit's sequence (the `seq` of /events); default: the last" })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: "must be a commit's sequence number (see the `seq` of /events)" })
  @Min(1, { message: "must be a commit's sequence number (see the `seq` of /events)" })
  at?: number;
}
