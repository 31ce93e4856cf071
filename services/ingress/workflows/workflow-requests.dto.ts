import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
} from 'class-validator';
import { QueryBoolean } from '../api/query-values';
import { TeamQuery } from '../ownership/team.query';

/** `POST /v1/workflows/:name/rollback`. */
export class RollbackRequest {
  static readonly example = '{"version": 1}';

  @ApiProperty({ description: 'the version to make active', minimum: 1, example: 1 })
  @IsInt({ message: 'must be a whole number ≥ 1 (the version to make active)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (the version to make active)' })
  version!: number;
}

/** `POST /v1/workflows/:name/runs`. */
export class StartRunRequest {
  static readonly example = '{"inputs": {...}, "debug": false}';

  @ApiPropertyOptional({
    description: "the run's inputs, by name",
    type: 'object',
    additionalProperties: true,
    example: { user_input: 'Analyze our competitors in the CRM space' },
  })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object of inputs by name' })
  inputs?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'step-by-step debugging: pause before every top-level step (`POST /v1/runs/:id/step`, `/resume`)',
  })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  debug?: boolean;

  @ApiPropertyOptional({
    description: 'ids of top-level steps to pause before (continue with `POST /v1/runs/:id/resume`)',
    type: [String],
    example: ['summarize'],
  })
  @IsOptional()
  @IsArray({ message: 'must be a list of step ids' })
  @ArrayMaxSize(1000, { message: 'must list at most 1000 step ids' })
  @IsString({ each: true, message: 'must be a list of step ids (text)' })
  breakpoints?: string[];
}

export class StartRunQuery {
  @ApiPropertyOptional({ description: 'wait for the outcome (as a `mode: sync` workflow does)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'must be true or false' })
  wait?: boolean;
}

/** `POST /v1/workflows`: publishing for a team is `?team=<id>`. */
export class PublishQuery extends TeamQuery {}
