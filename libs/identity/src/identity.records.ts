import { randomBytes } from 'node:crypto';
import type { Scope, TeamRole } from '@chainmail/contracts';
import type { ApiToken } from './entities/api-token.entity';
import type { Team } from './entities/team.entity';
import type { User } from './entities/user.entity';

/** What the API answers about users, teams and tokens: plain values with ISO times, no entity classes. */
export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  admin: boolean;
  externalId: string | null;
  createdAt: string;
}

export interface TeamRecord {
  id: string;
  name: string;
  externalGroup: string | null;
  createdAt: string;
}

export interface TeamMemberRecord {
  userId: string;
  name: string;
  role: TeamRole;
  since: string;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A token row with what authenticating it needs: its hash and its user. */
export interface TokenCredential extends TokenRecord {
  secretHash: Buffer;
  userName: string;
  userAdmin: boolean;
}

export const newUserId = (): string => `usr_${randomBytes(8).toString('hex')}`;
export const newTeamId = (): string => `team_${randomBytes(8).toString('hex')}`;
/** The admin created at first start: one fixed id, so replicas starting together create one. */
export const ADMIN_USER_ID = 'usr_admin';

export function userRecord(row: User): UserRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email ?? null,
    admin: row.admin === true,
    externalId: row.externalId ?? null,
    createdAt: iso(row.createdAt),
  };
}

export function teamRecord(row: Team): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    externalGroup: row.externalGroup ?? null,
    createdAt: iso(row.createdAt),
  };
}

export function tokenRecord(row: ApiToken): TokenRecord {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    scopes: row.scopes,
    createdAt: iso(row.createdAt),
    createdBy: row.createdBy,
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
  };
}

export function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function isoOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : iso(value);
}
