import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, Min } from 'class-validator';
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

  @ApiPropertyOptional({ description: 'record every step input and output in full' })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  debug?: boolean;
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
