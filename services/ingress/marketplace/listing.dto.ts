import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { WorkflowNeeds } from '../templates/template.dto';
import { DefinitionIssue } from '../workflows/workflow.dto';

/** `POST /v1/marketplace/listings`. */
export class PublishListingBody {
  static readonly example =
    '{"workflow": "ann-flow", "title": "Ann\'s flow", "description": "…", "tags": ["research"], "visibility": "public"}';

  @ApiProperty({
    description: 'the workflow to share (yours, or a team’s you edit)',
    example: 'competitor-analysis',
  })
  @IsString({ message: 'must be the name of a workflow' })
  workflow!: string;

  @ApiPropertyOptional({ description: 'the workflow version to share (default: the active one)', minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number ≥ 1 (a version of the workflow)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (a version of the workflow)' })
  version?: number;

  @ApiProperty({ example: 'Competitor analysis, done right' })
  @IsString({ message: 'must be text' })
  @MinLength(3, { message: 'must be at least 3 characters' })
  @MaxLength(120, { message: 'must be at most 120 characters' })
  title!: string;

  @ApiPropertyOptional({ description: 'what it does and how to use it' })
  @IsOptional()
  @IsString({ message: 'must be text' })
  @MaxLength(4000, { message: 'must be at most 4000 characters' })
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['research', 'competitors'] })
  @IsOptional()
  @IsArray({ message: 'must be a list of tags' })
  @ArrayMaxSize(20, { message: 'must have at most 20 tags' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, {
    each: true,
    message: "each tag must be lower-case letters, digits and '-' (at most 40)",
  })
  tags?: string[];

  @ApiProperty({ enum: ['public', 'team'], description: '`team`: only members of the team see it' })
  @IsIn(['public', 'team'], { message: 'must be public or team' })
  visibility!: 'public' | 'team';

  @ApiPropertyOptional({
    description: 'with `team` visibility: the team that sees it (default: the team owning the workflow)',
  })
  @IsOptional()
  @IsString({ message: 'must be one team id' })
  team?: string;
}

export class ListingQuery {
  @ApiPropertyOptional({ description: 'words that must all appear (title, description, tags, workflow)' })
  @IsOptional()
  @IsString({ message: 'must be text (given once)' })
  q?: string;

  @ApiPropertyOptional({ description: 'one tag' })
  @IsOptional()
  @IsString({ message: 'must be one tag (given once)' })
  tag?: string;

  @ApiPropertyOptional({ enum: ['installs', 'stars', 'recent'], description: 'default: recent' })
  @IsOptional()
  @IsIn(['installs', 'stars', 'recent'], { message: 'must be installs, stars or recent' })
  sort?: 'installs' | 'stars' | 'recent';
}

/** `POST /v1/marketplace/listings/:id/install`. */
export class InstallListingBody {
  static readonly example = '{"name": "my-copy", "agents": {"ann-writer@": "my-writer@"}}';

  @ApiPropertyOptional({ description: "the new workflow's name (default: the listing's workflow name)" })
  @IsOptional()
  @IsString({ message: 'must be a workflow name' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  @Matches(/^[a-z0-9][a-z0-9-]*$/, {
    message: "must be lower-case letters, digits and '-' (a workflow name)",
  })
  name?: string;

  @ApiPropertyOptional({ description: 'a listing version (default: the latest)', minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number ≥ 1 (a version of the listing)' })
  @Min(1, { message: 'must be a whole number ≥ 1 (a version of the listing)' })
  version?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'your agents in place of the listing’s: listed address → your address (kept for updates)',
    example: { 'ann-writer@': 'my-writer@' },
  })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object: listed agent address → your agent address' })
  agents?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'your webhook paths and email addresses in place of the listing’s (they are unique in an installation; kept for updates)',
    example: { 'ann-hook': 'my-hook' },
  })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object: listed webhook path or email address → yours' })
  bindings?: Record<string, string>;

  @ApiPropertyOptional({ description: "install as this team's workflow (editor or owner there)" })
  @IsOptional()
  @IsString({ message: 'must be one team id' })
  team?: string;
}

export class ListingVersionView {
  @ApiProperty() version!: number;
  @ApiProperty() workflowVersion!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
}

export class ListingSummary {
  @ApiProperty({ example: 'lst_3f2a9c0d1e2b4a5c' }) id!: string;
  @ApiProperty({ description: 'the latest version' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ description: 'the workflow it is published from' }) workflow!: string;
  @ApiProperty({ description: 'the author: `user:<id>` or `team:<id>`' }) author!: string;
  @ApiProperty({ enum: ['public', 'team'] }) visibility!: string;
  @ApiPropertyOptional() team?: string;
  @ApiProperty() stars!: number;
  @ApiProperty() installs!: number;
  @ApiProperty() starredByYou!: boolean;
  @ApiProperty() unpublished!: boolean;
  @ApiProperty({ type: WorkflowNeeds, description: 'what an installer must provide (names only)' })
  requirements!: WorkflowNeeds;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ListingDetail extends ListingSummary {
  @ApiProperty({ description: 'the definition of the latest version' }) source!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the parsed definition (for its graph)',
  })
  definition!: object;
  @ApiProperty({ type: [ListingVersionView] }) versions!: ListingVersionView[];
}

export class ListingList {
  @ApiProperty({ type: [ListingSummary] }) listings!: ListingSummary[];
}

export class PublishedListing {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: WorkflowNeeds }) requirements!: WorkflowNeeds;
}

export class StarAnswer {
  @ApiProperty() id!: string;
  @ApiProperty() starred!: boolean;
  @ApiProperty() stars!: number;
}

export class UnpublishedListing {
  @ApiProperty() id!: string;
  @ApiProperty() unpublished!: boolean;
}

export class MissingNeeds {
  @ApiProperty({
    type: [String],
    description: "agents your runs may not call (another owner's): install with `agents` to use yours",
  })
  agents!: string[];
  @ApiProperty({ type: [String], description: 'set them: `chainmail secrets set NAME`' }) secrets!: string[];
  @ApiProperty({ type: [String], description: 'set them: `chainmail variables set NAME VALUE`' })
  variables!: string[];
}

export class InstalledWorkflow {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty() listing!: string;
  @ApiProperty() listingVersion!: number;
  @ApiProperty({ type: WorkflowNeeds, description: 'what runs of the copy use (after your agent choices)' })
  needs!: WorkflowNeeds;
  @ApiProperty({ type: MissingNeeds, description: 'what you must still provide before a run' })
  missing!: MissingNeeds;
  @ApiProperty({ type: [DefinitionIssue] }) warnings!: DefinitionIssue[];
}
