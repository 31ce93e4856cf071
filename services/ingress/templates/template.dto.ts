import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WorkflowTemplate } from '@chainmail/templates';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { anyJson } from '../api/any-json.schema';
import { DefinitionIssue } from '../workflows/workflow.dto';

export class TemplateParameterView {
  @ApiProperty({ example: 'research_agent' }) name!: string;
  @ApiProperty({ enum: ['string', 'number', 'boolean', 'agent'] }) type!: string;
  @ApiProperty(anyJson('the value used when none is given')) default!: unknown;
  @ApiProperty() description!: string;
}

export class TemplateAgentView {
  @ApiProperty({
    description: 'the address the workflow calls out of the box (a builtin)',
    example: 'research@',
  })
  address!: string;
  @ApiPropertyOptional({ description: 'the parameter that chooses the address' }) parameter?: string;
  @ApiProperty({ description: 'what to bind there in production' }) production!: string;
}

export class NamedRequirementView {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
}

/** What the list and a template's page both show. */
class TemplateHeading {
  @ApiProperty({ example: 'competitor-analysis' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: 'research' }) category!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
}

export class TemplateSummary extends TemplateHeading {
  @ApiProperty({
    type: [String],
    description: 'the agent addresses it calls out of the box (with its defaults)',
    example: ['summarize@', 'write-report@'],
  })
  agents!: string[];
}

export class TemplateDetail extends TemplateHeading {
  @ApiProperty({ type: [TemplateParameterView] }) parameters!: TemplateParameterView[];
  @ApiProperty({ type: [TemplateAgentView] }) agents!: TemplateAgentView[];
  @ApiProperty({ type: [NamedRequirementView], description: 'secrets to set before using it' })
  secrets!: NamedRequirementView[];
  @ApiProperty({ type: [NamedRequirementView], description: 'variables to set before running it' })
  variables!: NamedRequirementView[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'run inputs for a first run' })
  sampleInput!: Record<string, unknown>;
  @ApiProperty({ description: 'how to use it (Markdown)' }) guide!: string;
  @ApiProperty({ description: 'the workflow with its defaults, as `use` would publish it' })
  workflow!: string;
}

export class TemplateList {
  @ApiProperty({ type: [TemplateSummary] }) templates!: TemplateSummary[];
  @ApiProperty({ type: [String], description: 'every category of the library' }) categories!: string[];
}

export class TemplateQuery {
  @ApiPropertyOptional({ description: 'words that must all appear (title, description, tags)' })
  @IsOptional()
  @IsString({ message: 'must be text (given once)' })
  q?: string;

  @ApiPropertyOptional({ description: 'one category', example: 'schedules' })
  @IsOptional()
  @IsString({ message: 'must be one category (given once)' })
  category?: string;

  @ApiPropertyOptional({ description: 'publish for this team instead of yourself (use only)' })
  @IsOptional()
  @IsString({ message: 'must be one team id (given once)' })
  team?: string;
}

/** `POST /v1/templates/:id/use`. */
export class UseTemplateRequest {
  static readonly example = '{"name": "my-analysis", "params": {"research_agent": "research@"}}';

  @ApiPropertyOptional({
    description: "the new workflow's name (default: the template's id)",
    example: 'my-analysis',
  })
  @IsOptional()
  @IsString({ message: 'must be a workflow name' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  @Matches(/^[a-z0-9][a-z0-9-]*$/, {
    message: "must be lower-case letters, digits and '-' (a workflow name)",
  })
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "the template's parameters by name; the others keep their defaults",
  })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object of parameter values by name' })
  params?: Record<string, unknown>;
}

export class WorkflowNeeds {
  @ApiProperty({ type: [String] }) agents!: string[];
  @ApiProperty({ type: [String] }) workflows!: string[];
  @ApiProperty({ type: [String] }) secrets!: string[];
  @ApiProperty({ type: [String] }) variables!: string[];
}

export class UsedTemplate {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty() template!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ type: WorkflowNeeds, description: 'what its runs need from you' }) needs!: WorkflowNeeds;
  @ApiProperty({ type: 'object', additionalProperties: true }) sampleInput!: Record<string, unknown>;
  @ApiProperty({ type: [DefinitionIssue] }) warnings!: DefinitionIssue[];
}

const toTemplateHeading = (t: WorkflowTemplate): TemplateHeading => ({
  id: t.id,
  title: t.title,
  description: t.description,
  category: t.category,
  tags: t.tags,
});

export const toTemplateSummary = (t: WorkflowTemplate): TemplateSummary => ({
  ...toTemplateHeading(t),
  agents: [...new Set(agentViews(t).map((a) => a.address))],
});

export function toTemplateDetail(t: WorkflowTemplate, workflow: string): TemplateDetail {
  return {
    ...toTemplateHeading(t),
    parameters: t.parameters.map((p) => ({ ...p })),
    agents: agentViews(t),
    secrets: t.secrets,
    variables: t.variables,
    sampleInput: t.sampleInput,
    guide: t.guide,
    workflow,
  };
}

/** Each agent the template names, at the address its defaults give (a parameter's default for an `agent` parameter). */
function agentViews(t: WorkflowTemplate): TemplateAgentView[] {
  const defaults = new Map(t.parameters.map((p) => [p.name, p.default]));
  return t.agents.map((a) => ({
    address: a.address ?? String(defaults.get(a.parameter ?? '') ?? ''),
    ...(a.parameter !== undefined ? { parameter: a.parameter } : {}),
    production: a.production,
  }));
}
