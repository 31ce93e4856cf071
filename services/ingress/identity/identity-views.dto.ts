import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES, TEAM_ROLES } from '@chainmail/contracts';

/** What the identity routes answer, as the OpenAPI document shows it. */

const nullableTime = { type: String, format: 'date-time', nullable: true } as const;

export class UserView {
  @ApiProperty({ example: 'usr_3f9c…' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() admin!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'the OpenID Connect subject, if any' })
  externalId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UserList {
  @ApiProperty({ type: [UserView] }) users!: UserView[];
}

export class TeamRecordView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the OpenID Connect group it mirrors' })
  externalGroup!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TeamList {
  @ApiProperty({ type: [TeamRecordView] }) teams!: TeamRecordView[];
}

export class TeamMemberView {
  @ApiProperty() userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TEAM_ROLES }) role!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
}

export class TeamDetail extends TeamRecordView {
  @ApiProperty({ type: [TeamMemberView] }) members!: TeamMemberView[];
}

export class MemberChange {
  @ApiProperty() teamId!: string;
  @ApiProperty() userId!: string;
  @ApiPropertyOptional({ enum: TEAM_ROLES }) role?: string;
  @ApiProperty({ enum: ['added', 'changed', 'unchanged', 'removed'] }) outcome!: string;
}

export class TokenView {
  @ApiProperty({ description: 'the 16 hex digits after `cm_`' }) id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty(nullableTime) expiresAt!: string | null;
  @ApiProperty(nullableTime) revokedAt!: string | null;
  @ApiProperty(nullableTime) lastUsedAt!: string | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: string;
}

export class CreatedTokenView extends TokenView {
  @ApiProperty({ description: 'the whole token: in this answer only, stored nowhere' }) token!: string;
}

export class TokenList {
  @ApiProperty({ type: [TokenView] }) tokens!: TokenView[];
}

/** The user's record; a caller with no row yet (a first OpenID Connect sign-in) has only the first three. */
class MeUser {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() admin!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) externalId?: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
}

class MeTeam {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TEAM_ROLES, nullable: true, type: String }) role!: string | null;
}

class MeToken {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty(nullableTime) expiresAt!: string | null;
}

export class MeView {
  @ApiProperty({ type: MeUser }) user!: MeUser;
  @ApiProperty({ type: [MeTeam] }) teams!: MeTeam[];
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ enum: ['token', 'oidc'] }) via!: string;
  @ApiProperty({ type: MeToken, nullable: true }) token!: MeToken | null;
}

class AuditActorView {
  @ApiProperty() userId!: string;
  @ApiProperty({ type: String, nullable: true }) tokenId!: string | null;
}

class AuditTargetView {
  @ApiProperty({ example: 'token' }) kind!: string;
  @ApiProperty() id!: string;
}

export class AuditEntryView {
  @ApiProperty() seq!: number;
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'token.created' }) action!: string;
  @ApiProperty({ type: AuditActorView }) actor!: AuditActorView;
  @ApiProperty({ type: AuditTargetView }) target!: AuditTargetView;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) entries!: AuditEntryView[];
  @ApiProperty({ type: Number, nullable: true, description: 'pass as `before` for the next page' })
  next!: number | null;
}
