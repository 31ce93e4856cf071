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
  arrayMaxSize,
  isBoolean,
  isObject,
  isString,
} from 'class-validator';
import { RequestFields, type RequestCheck, type RequestValues } from '../api/own-checks';
import { QueryBoolean, queryBoolean } from '../api/query-values';
import { TeamQuery } from '../ownership/team.query';

/** `POST /v1/workflows/:name/rollback`. */
export class RollbackRequest {
  static readonly example = '{"version": 1}';

  @ApiProperty({ description: 'the version to make active', minimum: 1, example: 1 })
  @IsInt({ message: 'must be a whole number ≥ 1 (the version to make active)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (the version to make active)' })
  version!: number;
}

const INPUTS_RULE = 'must be a JSON object of inputs by name';
const BOOLEAN_RULE = 'must be true or false';
const MAX_BREAKPOINTS = 1000;
const BREAKPOINTS_SIZE_RULE = `must list at most ${MAX_BREAKPOINTS} step ids`;
const BREAKPOINTS_TEXT_RULE = 'must be a list of step ids (text)';

/**
 * `POST /v1/workflows/:name/runs`: checked by hand on this hot route (`CheckedByHand`), to
 * the result of its decorators.
 */
export class StartRunRequest {
  static readonly example = '{"inputs": {...}, "debug": false}';

  @ApiPropertyOptional({
    description: "the run's inputs, by name",
    type: 'object',
    additionalProperties: true,
    example: { user_input: 'Analyze our competitors in the CRM space' },
  })
  @IsOptional()
  @IsObject({ message: INPUTS_RULE })
  inputs?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'step-by-step debugging: pause before every top-level step (`POST /v1/runs/:id/step`, `/resume`)',
  })
  @IsOptional()
  @IsBoolean({ message: BOOLEAN_RULE })
  debug?: boolean;

  @ApiPropertyOptional({
    description: 'ids of top-level steps to pause before (continue with `POST /v1/runs/:id/resume`)',
    type: [String],
    example: ['summarize'],
  })
  @IsOptional()
  @IsArray({ message: 'must be a list of step ids' })
  @ArrayMaxSize(MAX_BREAKPOINTS, { message: BREAKPOINTS_SIZE_RULE })
  @IsString({ each: true, message: BREAKPOINTS_TEXT_RULE })
  breakpoints?: string[];

  static fromRequest(values: RequestValues): RequestCheck<StartRunRequest> {
    const fields = new RequestFields(values);
    const request = new StartRunRequest();
    request.inputs = fields.optional('inputs', (value) => (isObject(value) ? undefined : INPUTS_RULE));
    request.debug = fields.optional('debug', booleanRule);
    request.breakpoints = fields.optional('breakpoints', breakpointsRule);
    return fields.result(request);
  }
}

/** `@IsBoolean`. */
function booleanRule(value: unknown): string | undefined {
  return isBoolean(value) ? undefined : BOOLEAN_RULE;
}

/**
 * The decorators of `breakpoints`, bottom-up: text (each item of a list, or the value itself),
 * then at most 1000 items (which a value that is no list fails, so `@IsArray` never has a say).
 */
function breakpointsRule(value: unknown): string | undefined {
  const texts = Array.isArray(value) ? value.every((item) => isString(item)) : isString(value);
  if (!texts) return BREAKPOINTS_TEXT_RULE;
  if (!arrayMaxSize(value, MAX_BREAKPOINTS)) return BREAKPOINTS_SIZE_RULE;
  return undefined;
}

/** `?wait=`: checked by hand on this hot route (`CheckedByHand`), to the result of its decorators. */
export class StartRunQuery {
  @ApiPropertyOptional({ description: 'wait for the outcome (as a `mode: sync` workflow does)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: BOOLEAN_RULE })
  wait?: boolean;

  static fromRequest(values: RequestValues): RequestCheck<StartRunQuery> {
    const fields = new RequestFields(values);
    const query = new StartRunQuery();
    query.wait = fields.optional('wait', booleanRule, queryBoolean);
    return fields.result(query);
  }
}

/** `POST /v1/workflows`: publishing for a team is `?team=<id>`. */
export class PublishQuery extends TeamQuery {}
