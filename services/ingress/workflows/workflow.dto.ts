import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WorkflowEntry, WorkflowVersion } from '@chainmail/catalog';

/** A problem (or warning) in a definition, with where it is. */
export class DefinitionIssue {
  @ApiProperty({ example: 'UNKNOWN_AGENT' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ example: 4 }) line?: number;
  @ApiPropertyOptional({ example: 12 }) column?: number;
  @ApiProperty({ example: 'steps[0].agent' }) path!: string;
  @ApiPropertyOptional({ description: 'how to fix it' }) hint?: string;
}

export class WorkflowSummary {
  @ApiProperty({ example: 'competitor-analysis' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() activeVersion!: number;
  @ApiProperty() latestVersion!: number;
  @ApiProperty({ description: '`user:<id>`, `team:<id>` or the installation', example: 'user:usr_admin' })
  owner!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  triggers!: object[];
  @ApiProperty({ type: [String], description: 'top-level step ids, in order' }) steps!: string[];
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WorkflowOriginView {
  @ApiProperty({ description: 'the marketplace listing it was installed from' }) listing!: string;
  @ApiProperty({ description: 'the listing version the active version has' }) listingVersion!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the newest listing version (null: unpublished)',
  })
  latestVersion!: number | null;
  @ApiProperty({ description: '`POST /v1/workflows/:name/update` takes the newest' })
  updateAvailable!: boolean;
}

export class WorkflowDetail extends WorkflowSummary {
  @ApiPropertyOptional({ type: WorkflowOriginView, description: 'installed from the marketplace' })
  origin?: WorkflowOriginView;
  @ApiProperty({ description: 'the active version' }) version!: number;
  @ApiPropertyOptional({ description: 'the definition as it was sent (YAML or JSON)' }) source?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'the parsed definition' })
  definition?: object;
}

export class WorkflowList {
  @ApiProperty({ type: [WorkflowSummary] }) workflows!: WorkflowSummary[];
}

export class VersionSummary {
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty() publishedBy!: string;
  @ApiProperty() active!: boolean;
}

export class VersionDetail extends VersionSummary {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the definition as it was sent (YAML or JSON)' }) source!: string;
  @ApiProperty({
    type: 'object',
    description: 'the definition as the parser read it',
    additionalProperties: true,
  })
  definition!: object;
}

export class VersionList {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [VersionSummary] }) versions!: VersionSummary[];
}

export class PublishedWorkflow {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: [DefinitionIssue] }) warnings!: DefinitionIssue[];
  @ApiProperty({ description: 'the text was the active version already: no new version was made' })
  unchanged!: boolean;
}

export class ValidatedWorkflow {
  @ApiProperty({ example: true }) valid!: boolean;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: [DefinitionIssue] }) warnings?: DefinitionIssue[];
}

export class RolledBackWorkflow {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the version now active' }) version!: number;
}

export function toWorkflowSummary(entry: WorkflowEntry): WorkflowSummary {
  const active = entry.versions[entry.activeVersion - 1];
  return {
    name: entry.name,
    description: active?.definition.description ?? null,
    activeVersion: entry.activeVersion,
    latestVersion: entry.versions.length,
    owner: entry.owner,
    triggers: active?.definition.triggers ?? [],
    steps: active?.definition.steps.map((s) => s.id) ?? [],
    updatedAt: entry.updatedAt,
  };
}

export function toWorkflowDetail(entry: WorkflowEntry): WorkflowDetail {
  const active = entry.versions[entry.activeVersion - 1];
  return {
    ...toWorkflowSummary(entry),
    version: entry.activeVersion,
    source: active?.source,
    definition: active?.definition,
  };
}

export function toVersionSummary(version: WorkflowVersion, activeVersion: number): VersionSummary {
  return {
    version: version.version,
    publishedAt: version.publishedAt,
    publishedBy: version.publishedBy,
    active: version.version === activeVersion,
  };
}

export function toVersionDetail(version: WorkflowVersion, activeVersion: number): VersionDetail {
  return {
    ...toVersionSummary(version, activeVersion),
    name: version.name,
    source: version.source,
    definition: version.definition,
  };
}
