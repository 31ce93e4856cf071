import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AUDIT_LIST_MAX } from '@chainmail/event-log';
import { ChainmailError, SCOPES, TEAM_ROLES, type Scope, type TeamRole } from '@chainmail/contracts';
import { QueryBoolean, Trimmed } from '../api/query-values';

/** Request bodies and queries of the identity routes, checked at the edge by the validation pipe. */

const DURATION = /^(\d{1,6})\s*(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w`, `3600s` → milliseconds. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms > 0 ? ms : undefined;
}

const text = (max: number): string => `must be text of 1 to ${max} characters`;

export class CreateUserRequest {
  static readonly example = '{"name": "Jane Doe", "email": "jane@acme.example", "admin": false}';

  @ApiProperty({ maxLength: 200, example: 'Jane Doe' })
  @Trimmed()
  @IsString({ message: text(200) })
  @Length(1, 200, { message: text(200) })
  name!: string;

  @ApiPropertyOptional({ maxLength: 320, example: 'jane@acme.example' })
  @IsOptional()
  @Trimmed()
  @IsString({ message: 'must be an address such as jane@acme.example' })
  @Length(1, 320, { message: 'must be an address such as jane@acme.example' })
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'must be an address such as jane@acme.example' })
  email?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  admin?: boolean;
}

export interface CreateUserBody {
  name: string;
  email: string | null;
  admin: boolean;
}

export function toCreateUser(request: CreateUserRequest): CreateUserBody {
  return { name: request.name, email: request.email ?? null, admin: request.admin === true };
}

export class CreateTeamRequest {
  static readonly example = '{"name": "platform", "owner": "<user id>"}';

  @ApiProperty({ maxLength: 100, example: 'platform' })
  @Trimmed()
  @IsString({ message: text(100) })
  @Length(1, 100, { message: text(100) })
  name!: string;

  @ApiPropertyOptional({ description: "the team's first owner (default: you)" })
  @IsOptional()
  @Trimmed()
  @IsString({ message: text(100) })
  @Length(1, 100, { message: text(100) })
  owner?: string;
}

export interface CreateTeamBody {
  name: string;
  owner?: string;
}

export function toCreateTeam(request: CreateTeamRequest): CreateTeamBody {
  return request.owner === undefined ? { name: request.name } : { name: request.name, owner: request.owner };
}

const ROLE_MESSAGE = `must be one of ${TEAM_ROLES.join(', ')}`;

/** `PATCH /v1/teams/:id/members/:userId`. */
export class ChangeRoleRequest {
  static readonly example: string = '{"role": "editor"}';

  @ApiProperty({ enum: TEAM_ROLES })
  @IsIn(TEAM_ROLES, { message: ROLE_MESSAGE })
  role!: TeamRole;
}

/** `POST /v1/teams/:id/members`. */
export class AddMemberRequest extends ChangeRoleRequest {
  static override readonly example = '{"userId": "<user id>", "role": "editor"}';

  @ApiProperty()
  @Trimmed()
  @IsString({ message: text(100) })
  @Length(1, 100, { message: text(100) })
  userId!: string;
}

const SCOPES_MESSAGE = `must be a non-empty list of ${SCOPES.join(', ')}`;

export class CreateTokenRequest {
  static readonly example = '{"name": "ci", "scopes": ["read", "run"], "expiresIn": "30d"}';

  @ApiProperty({ maxLength: 100, example: 'ci' })
  @Trimmed()
  @IsString({ message: text(100) })
  @Length(1, 100, { message: text(100) })
  name!: string;

  @ApiPropertyOptional({ description: 'a token for another user (admins)' })
  @IsOptional()
  @Trimmed()
  @IsString({ message: text(100) })
  @Length(1, 100, { message: text(100) })
  userId?: string;

  @ApiPropertyOptional({
    enum: SCOPES,
    isArray: true,
    description: 'default: your own; also accepted as comma-separated text',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @IsArray({ message: SCOPES_MESSAGE })
  @ArrayNotEmpty({ message: SCOPES_MESSAGE })
  @IsIn(SCOPES, { each: true, message: SCOPES_MESSAGE })
  scopes?: Scope[];

  @ApiPropertyOptional({ example: '30d', description: 'a duration: 90m, 12h, 30d, 2w' })
  @IsOptional()
  @IsString({ message: 'must be a duration such as 90m, 12h, 30d or 2w' })
  @Matches(DURATION, { message: 'must be a duration such as 90m, 12h, 30d or 2w' })
  expiresIn?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 time, e.g. 2026-12-31T00:00:00Z' })
  expiresAt?: Date;
}

export interface CreateTokenBody {
  name: string;
  userId?: string;
  scopes?: Scope[];
  /** Absolute expiry; `expiresIn` (`30d`) is turned into one at once. */
  expiresAt?: Date;
}

/** What the token service takes: scopes in their canonical order, one absolute expiry in the future. */
export function toCreateToken(request: CreateTokenRequest, now: Date): CreateTokenBody {
  const out: CreateTokenBody = { name: request.name };
  if (request.userId !== undefined) out.userId = request.userId;
  if (request.scopes !== undefined) out.scopes = SCOPES.filter((s) => request.scopes?.includes(s));
  if (request.expiresAt !== undefined && request.expiresIn !== undefined) {
    throw new ChainmailError('BAD_REQUEST', 'Send expiresAt or expiresIn, not both.');
  }
  const ms = request.expiresIn === undefined ? undefined : parseDuration(request.expiresIn);
  if (request.expiresIn !== undefined && ms === undefined) {
    throw new ChainmailError('BAD_REQUEST', 'expiresIn must be a duration such as 90m, 12h, 30d or 2w.', {
      expiresIn: request.expiresIn,
    });
  }
  if (ms !== undefined) out.expiresAt = new Date(now.getTime() + ms);
  else if (request.expiresAt !== undefined) out.expiresAt = request.expiresAt;
  if (out.expiresAt !== undefined && out.expiresAt.getTime() <= now.getTime()) {
    throw new ChainmailError('BAD_REQUEST', 'The expiry must be in the future.', {
      expiresAt: out.expiresAt,
    });
  }
  return out;
}

/** `GET /v1/tokens?userId=&all=`. */
export class ListTokensQuery {
  @ApiPropertyOptional({ description: "another user's tokens (admins)" })
  @IsOptional()
  @IsString({ message: 'must be one user id' })
  userId?: string;

  @ApiPropertyOptional({ description: "every user's tokens (admins)" })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'must be true or false' })
  all?: boolean;
}

/** `GET /v1/audit?action=&actor=&target=&since=&before=&limit=`. */
export class AuditQuery {
  @ApiPropertyOptional({ example: 'token.created' })
  @IsOptional()
  @IsString({ message: 'must be one action' })
  action?: string;

  @ApiPropertyOptional({ description: 'a user id' })
  @IsOptional()
  @IsString({ message: 'must be one user id' })
  actor?: string;

  @ApiPropertyOptional({ description: 'the id of what was acted on' })
  @IsOptional()
  @IsString({ message: 'must be one id' })
  target?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 time' })
  since?: Date;

  @ApiPropertyOptional({ description: 'the seq of an entry: the page before it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be the seq of an entry (a whole number)' })
  @Min(1, { message: 'must be the seq of an entry (a whole number)' })
  before?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_LIST_MAX, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `must be a whole number from 1 to ${AUDIT_LIST_MAX}` })
  @Min(1, { message: `must be a whole number from 1 to ${AUDIT_LIST_MAX}` })
  @Max(AUDIT_LIST_MAX, { message: `must be a whole number from 1 to ${AUDIT_LIST_MAX}` })
  limit?: number;
}
