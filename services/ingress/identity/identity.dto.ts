import { ChainmailError, SCOPES, TEAM_ROLES, type Scope, type TeamRole } from '@chainmail/contracts';

/** Request bodies of the identity routes, checked at the edge: every problem is a 400 that says what to send. */

type Fields = Record<string, unknown>;

function fieldsOf(body: unknown, example: string): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ChainmailError('BAD_REQUEST', `Send a JSON object: ${example}.`);
  }
  return body as Fields;
}

function text(fields: Fields, name: string, options: { required: boolean; max: number }): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) {
    if (options.required) throw new ChainmailError('BAD_REQUEST', `${name} is required.`, { field: name });
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > options.max) {
    throw new ChainmailError('BAD_REQUEST', `${name} must be text of 1 to ${options.max} characters.`, {
      field: name,
    });
  }
  return value.trim();
}

export function parseRole(value: unknown): TeamRole {
  if (typeof value !== 'string' || !TEAM_ROLES.includes(value as TeamRole)) {
    throw new ChainmailError('BAD_REQUEST', `role must be one of ${TEAM_ROLES.join(', ')}.`, { role: value });
  }
  return value as TeamRole;
}

export function parseScopes(value: unknown): Scope[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => !SCOPES.includes(s as Scope))) {
    throw new ChainmailError('BAD_REQUEST', `scopes must be a non-empty list of ${SCOPES.join(', ')}.`, {
      scopes: value,
    });
  }
  return SCOPES.filter((s) => (list as unknown[]).includes(s));
}

const DURATION = /^(\d{1,6})\s*(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w`, `3600s` → milliseconds. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms > 0 ? ms : undefined;
}

export interface CreateUserBody {
  name: string;
  email: string | null;
  admin: boolean;
}

export function parseCreateUser(body: unknown): CreateUserBody {
  const fields = fieldsOf(body, '{"name": "Jane Doe", "email": "jane@acme.example", "admin": false}');
  const email = text(fields, 'email', { required: false, max: 320 });
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new ChainmailError('BAD_REQUEST', 'email must be an address such as jane@acme.example.', {
      field: 'email',
    });
  }
  const admin = fields.admin;
  if (admin !== undefined && typeof admin !== 'boolean') {
    throw new ChainmailError('BAD_REQUEST', 'admin must be true or false.', { field: 'admin' });
  }
  return {
    name: text(fields, 'name', { required: true, max: 200 }) ?? '',
    email: email ?? null,
    admin: admin === true,
  };
}

export interface CreateTeamBody {
  name: string;
  owner?: string;
}

export function parseCreateTeam(body: unknown): CreateTeamBody {
  const fields = fieldsOf(body, '{"name": "platform", "owner": "<user id>"}');
  const name = text(fields, 'name', { required: true, max: 100 }) ?? '';
  const owner = text(fields, 'owner', { required: false, max: 100 });
  return owner === undefined ? { name } : { name, owner };
}

export function parseMember(body: unknown, userIdFromPath?: string): { userId: string; role: TeamRole } {
  const fields = fieldsOf(body, '{"userId": "<user id>", "role": "editor"}');
  const userId = userIdFromPath ?? text(fields, 'userId', { required: true, max: 100 }) ?? '';
  return { userId, role: parseRole(fields.role) };
}

export interface CreateTokenBody {
  name: string;
  userId?: string;
  scopes?: Scope[];
  /** Absolute expiry; `expiresIn` (`30d`) is turned into one at once. */
  expiresAt?: Date;
}

export function parseCreateToken(body: unknown, now: Date): CreateTokenBody {
  const fields = fieldsOf(body, '{"name": "ci", "scopes": ["read", "run"], "expiresIn": "30d"}');
  const out: CreateTokenBody = { name: text(fields, 'name', { required: true, max: 100 }) ?? '' };
  const userId = text(fields, 'userId', { required: false, max: 100 });
  if (userId !== undefined) out.userId = userId;
  if (fields.scopes !== undefined) out.scopes = parseScopes(fields.scopes);
  if (fields.expiresAt !== undefined && fields.expiresIn !== undefined) {
    throw new ChainmailError('BAD_REQUEST', 'Send expiresAt or expiresIn, not both.');
  }
  if (fields.expiresIn !== undefined) {
    const ms = typeof fields.expiresIn === 'string' ? parseDuration(fields.expiresIn) : undefined;
    if (ms === undefined) {
      throw new ChainmailError('BAD_REQUEST', 'expiresIn must be a duration such as 90m, 12h, 30d or 2w.', {
        expiresIn: fields.expiresIn,
      });
    }
    out.expiresAt = new Date(now.getTime() + ms);
  } else if (fields.expiresAt !== undefined) {
    const at = typeof fields.expiresAt === 'string' ? new Date(fields.expiresAt) : new Date(NaN);
    if (Number.isNaN(at.getTime())) {
      throw new ChainmailError(
        'BAD_REQUEST',
        'expiresAt must be an ISO-8601 time, e.g. 2026-12-31T00:00:00Z.',
        {
          expiresAt: fields.expiresAt,
        },
      );
    }
    out.expiresAt = at;
  }
  if (out.expiresAt !== undefined && out.expiresAt.getTime() <= now.getTime()) {
    throw new ChainmailError('BAD_REQUEST', 'The expiry must be in the future.', {
      expiresAt: out.expiresAt,
    });
  }
  return out;
}
