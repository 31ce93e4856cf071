import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { priceFor, type AgentEntry, type ModelPrices } from '@chainmail/agents';
import { QueryBoolean } from '../api/query-values';
import { TeamQuery } from '../ownership/team.query';

const KINDS = ['openai', 'http', 'email', 'workflow'];
const objectSchema = { type: 'object', additionalProperties: true } as const;

/**
 * `PUT /v1/agents/:address`, for the OpenAPI document only: the registry checks the entry for its
 * kind (every wrong field in a 422 with its path, such as `config.baseUrl`), so the edge passes it on whole.
 */
export class AgentEntryRequest {
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ ...objectSchema, description: "the kind's settings; keys only as {{secrets.NAME}}" })
  config!: Record<string, unknown>;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: [String] }) allowedWorkflows?: string[];
  @ApiPropertyOptional({ type: [String], description: 'owners whose runs may call it ("*": everyone)' })
  allowedOwners?: string[];
  @ApiPropertyOptional({ minimum: 1, description: 'calls at once, across every execution replica' })
  concurrency?: number;
}

export class RemoveAgentQuery extends TeamQuery {
  @ApiPropertyOptional({ description: 'remove it although active workflows name it' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'must be true or false' })
  force?: boolean;
}

class AgentPricing {
  @ApiProperty() model!: string;
  @ApiPropertyOptional() inputPerMillionUsd?: number;
  @ApiPropertyOptional() outputPerMillionUsd?: number;
  @ApiPropertyOptional() unpriced?: boolean;
  @ApiPropertyOptional() note?: string;
}

/** An entry as the API shows it; an openai entry says what a million tokens cost, or that it is unpriced. */
export class AgentView {
  @ApiProperty({ example: 'research@' }) address!: string;
  @ApiProperty({ enum: ['builtin', ...KINDS] }) kind!: string;
  @ApiProperty() description!: string;
  @ApiProperty(objectSchema) config!: Record<string, unknown>;
  @ApiProperty({ enum: ['builtin', 'registered'] }) source!: string;
  @ApiPropertyOptional() owner?: string;
  @ApiPropertyOptional({ type: [String] }) allowedWorkflows?: string[];
  @ApiPropertyOptional({ type: [String] }) allowedOwners?: string[];
  @ApiPropertyOptional() concurrency?: number;
  @ApiPropertyOptional({ format: 'date-time' }) registeredAt?: string;
  @ApiPropertyOptional() registeredBy?: string;
  @ApiPropertyOptional() overridesBuiltin?: boolean;
  @ApiPropertyOptional({ type: AgentPricing }) pricing?: AgentPricing;
}

export class AgentList {
  @ApiProperty({ type: [AgentView] }) agents!: AgentView[];
}

export class AgentPut {
  @ApiProperty({ enum: ['registered', 'unchanged'] }) outcome!: string;
  @ApiProperty({ type: AgentView }) agent!: AgentView;
}

export class AgentRemoved {
  @ApiProperty({ enum: ['removed'] }) outcome!: string;
  @ApiProperty() address!: string;
  @ApiProperty({
    type: AgentView,
    nullable: true,
    description: 'what answers at the address now (a builtin), or null',
  })
  now!: AgentView | null;
}

export function toAgentView(entry: AgentEntry, prices: ModelPrices): AgentView {
  const view: AgentView = { ...entry };
  if (entry.kind === 'openai' && typeof entry.config.model === 'string') {
    const price = priceFor(prices, entry.config.model);
    view.pricing = price
      ? { model: price.model, inputPerMillionUsd: price.input, outputPerMillionUsd: price.output }
      : {
          model: entry.config.model,
          unpriced: true,
          note: 'no price in CHAINMAIL_MODEL_PRICES: tokens are recorded, cost is not',
        };
  }
  return view;
}
