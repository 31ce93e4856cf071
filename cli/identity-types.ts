import { isRecord, str, UnexpectedResponse, type Json } from './api-types';

/** The fields of the identity answers the CLI shows, checked as they arrive. */

export interface TokenView {
  id: string;
  name: string;
  userId: string;
  scopes: string[];
  status: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  /** Only in the answer to a create. */
  token?: string;
}

export interface MeView {
  user: { id: string; name: string; admin: boolean };
  scopes: string[];
  teams: { id: string; name: string; role: string | null }[];
  token: { id: string; name: string } | null;
}

function record(value: unknown, what: string): Json {
  if (!isRecord(value)) throw new UnexpectedResponse(`expected ${what} to be an object`);
  return value;
}

function text(o: Json, key: string, what: string): string {
  const value = str(o[key]);
  if (value === undefined) throw new UnexpectedResponse(`expected ${what}.${key} to be a string`);
  return value;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];

export function parseToken(body: unknown): TokenView {
  const o = record(body, 'the token');
  return {
    id: text(o, 'id', 'token'),
    name: text(o, 'name', 'token'),
    userId: text(o, 'userId', 'token'),
    scopes: strings(o.scopes),
    status: str(o.status) ?? 'active',
    expiresAt: str(o.expiresAt) ?? null,
    lastUsedAt: str(o.lastUsedAt) ?? null,
    ...(str(o.token) !== undefined ? { token: str(o.token) } : {}),
  };
}

export function parseTokens(body: unknown): TokenView[] {
  const list = record(body, 'the response').tokens;
  if (!Array.isArray(list)) throw new UnexpectedResponse('expected "tokens" to be a list');
  return list.map(parseToken);
}

export function parseMe(body: unknown): MeView {
  const o = record(body, 'the response');
  const user = record(o.user, 'user');
  const token = isRecord(o.token)
    ? { id: text(o.token, 'id', 'token'), name: text(o.token, 'name', 'token') }
    : null;
  return {
    user: { id: text(user, 'id', 'user'), name: text(user, 'name', 'user'), admin: user.admin === true },
    scopes: strings(o.scopes),
    teams: (Array.isArray(o.teams) ? o.teams : []).filter(isRecord).map((t) => ({
      id: str(t.id) ?? '',
      name: str(t.name) ?? '',
      role: str(t.role) ?? null,
    })),
    token,
  };
}

/** `{key: [records]}` → the records, each a JSON object (fields read by the caller). */
export function parseList(body: unknown, key: string): Json[] {
  const list = record(body, 'the response')[key];
  if (!Array.isArray(list)) throw new UnexpectedResponse(`expected "${key}" to be a list`);
  return list.filter(isRecord);
}
