import type {
  CheckpointDecision,
  RunDetailWithPolicy,
  RunEvent as LoggedEvent,
  RunSummary,
  ScheduleSummary,
  Trigger,
  ValidationIssue,
  WorkflowDefinition,
} from '@chainmail/contracts';
import { session } from './session';

/**
 * The console's one way to the server: Chainmail's REST API under `/v1`, with the signed-in
 * token. Every page acts with that identity's rights: what it may not see answers 404 or 403,
 * and the pages say so.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { issues?: ValidationIssue[]; [key: string]: unknown },
  ) {
    super(message);
  }

  /** The definition's problems of a 422 (each with line and column). */
  get issues(): ValidationIssue[] {
    return (this.details?.issues as ValidationIssue[] | undefined) ?? [];
  }
}

export async function call<T>(
  method: string,
  path: string,
  body?: { json?: unknown; yaml?: string },
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.token();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body?.yaml !== undefined) {
    headers['content-type'] = 'application/yaml';
    payload = body.yaml;
  } else if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  const response = await fetch(path, { method, headers, body: payload });
  const text = await response.text();
  const parsed = text.length > 0 ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: ApiError['details'] } })
      ?.error;
    if (response.status === 401) session.expired();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${method} ${path} answered ${response.status}`,
      error?.details,
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const query = (params: Record<string, string | number | undefined>): string => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return entries.length === 0
    ? ''
    : '?' + new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString();
};
export const enc = encodeURIComponent;

export interface Me {
  user: { id: string; name: string; email: string | null; admin: boolean };
  scopes: string[];
  teams: { id: string; name: string; role: string }[];
  token?: { id: string; name: string } | null;
}

export interface WorkflowSummary {
  name: string;
  description: string | null;
  activeVersion: number;
  latestVersion: number;
  owner: string;
  triggers: Trigger[];
  steps: string[];
  updatedAt: string;
}

export interface WorkflowDetail extends WorkflowSummary {
  version: number;
  source?: string;
  definition?: WorkflowDefinition;
}

export interface VersionSummary {
  version: number;
  publishedAt: string;
  publishedBy: string;
  active: boolean;
}

export interface VersionDetail extends VersionSummary {
  name: string;
  source: string;
  definition: WorkflowDefinition;
}

/** An event of the run's log, with the sequence of the commit it came in. */
export type RunEvent = LoggedEvent & { seq: number };

export interface AgentView {
  address: string;
  kind: string;
  description: string;
  config: Record<string, unknown>;
  source: 'builtin' | 'registered';
  owner?: string;
  concurrency?: number;
  registeredAt?: string;
  pricing?: { model: string; inputPerMillionUsd?: number; outputPerMillionUsd?: number };
}

export interface NamedEntry {
  name: string;
  owner?: string;
  updatedAt?: string;
  createdAt?: string;
}

export interface TokenView {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface RunFilters {
  workflow?: string;
  status?: string;
  since?: string;
  limit?: number;
  before?: string;
}

export const api = {
  me: () => call<Me>('GET', '/v1/me'),

  workflows: () => call<{ workflows: WorkflowSummary[] }>('GET', '/v1/workflows').then((r) => r.workflows),
  workflow: (name: string) => call<WorkflowDetail>('GET', `/v1/workflows/${enc(name)}`),
  versions: (name: string) =>
    call<{ versions: VersionSummary[] }>('GET', `/v1/workflows/${enc(name)}/versions`).then(
      (r) => r.versions,
    ),
  version: (name: string, version: number) =>
    call<VersionDetail>('GET', `/v1/workflows/${enc(name)}/versions/${version}`),
  publish: (yaml: string) =>
    call<{ name: string; version: number; warnings: ValidationIssue[] }>('POST', '/v1/workflows', { yaml }),
  rollback: (name: string, version: number) =>
    call<{ name: string; version: number }>('POST', `/v1/workflows/${enc(name)}/rollback`, {
      json: { version },
    }),
  startRun: (name: string, inputs: Record<string, unknown>) =>
    call<{ runId: string }>('POST', `/v1/workflows/${enc(name)}/runs`, { json: { inputs } }),

  runs: (filters: RunFilters) =>
    call<{ runs: RunSummary[]; nextCursor: string | null }>('GET', `/v1/runs${query({ ...filters })}`),
  run: (id: string) => call<RunDetailWithPolicy>('GET', `/v1/runs/${enc(id)}`),
  runEvents: (id: string) =>
    call<{ runId: string; events: RunEvent[] }>('GET', `/v1/runs/${enc(id)}/events`).then((r) => r.events),
  cancelRun: (id: string) => call<{ runId: string }>('POST', `/v1/runs/${enc(id)}/cancel`),
  decideCheckpoint: (
    id: string,
    step: string,
    decision: { action: CheckpointDecision; input?: string; comment?: string },
  ) =>
    call<{ runId: string; stepId: string; accepted: boolean }>(
      'POST',
      `/v1/runs/${enc(id)}/checkpoints/${enc(step)}`,
      { json: decision },
    ),

  schedules: () => call<{ schedules: ScheduleSummary[] }>('GET', '/v1/schedules').then((r) => r.schedules),
  agents: () => call<{ agents: AgentView[] }>('GET', '/v1/agents').then((r) => r.agents),
  secrets: () => call<{ secrets: NamedEntry[] }>('GET', '/v1/secrets').then((r) => r.secrets),
  variables: () => call<{ variables: NamedEntry[] }>('GET', '/v1/variables').then((r) => r.variables),
  tokens: () => call<{ tokens: TokenView[] }>('GET', '/v1/tokens').then((r) => r.tokens),
  createToken: (request: { name: string; scopes: string[]; expiresIn?: string }) =>
    call<TokenView & { token: string }>('POST', '/v1/tokens', { json: request }),
  revokeToken: (id: string) => call<unknown>('DELETE', `/v1/tokens/${enc(id)}`),
};
