import {
  isRecord,
  parseApprovals,
  parsePublished,
  parseRunEvent,
  parseRunEvents,
  parseRunId,
  record,
  parseRuns,
  parseValidation,
  parseVersions,
  parseWorkflows,
  str,
  UnexpectedResponse,
  type Json,
  type PublishedWorkflow,
  type RunSummary,
  type ValidationOutcome,
  type PendingApproval,
  type WireRunEvent,
  type WorkflowSummary,
  type WorkflowVersion,
} from './api-types';
import { parseAgentChange, parseAgents, type AgentChangeView, type AgentView } from './agent-types';
import { readSse } from './sse';

/** An error answered by the server, in the `{ error: { code, message, details } }` format. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Nothing answered at the base URL (refused, unresolvable, or too slow). */
export class ServerUnreachable extends Error {
  constructor(
    readonly baseUrl: string,
    readonly refused: boolean,
    reason: string,
  ) {
    super(reason);
    this.name = 'ServerUnreachable';
  }
}

export type DefinitionFormat = 'yaml' | 'json';

export interface RunFilter {
  workflow?: string;
  status?: string;
  limit?: number;
}

export interface Readiness {
  ready: boolean;
  status: number;
  body: unknown;
}

export interface ApiClientOptions {
  token?: string;
  /** Per request, for everything but event streams. */
  timeoutMs?: number;
  /** How often a live event stream that closes early is reopened before giving up. */
  reconnects?: number;
  reconnectDelayMs?: number;
}

/** Events after which a run's stream has nothing more to say. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'RunSucceeded',
  'RunFailed',
  'RunCancelled',
  'RunTimedOut',
]);

interface RequestOptions {
  body?: string;
  contentType?: string;
  accept?: string;
  timeoutMs?: number | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const CONTENT_TYPES: Record<DefinitionFormat, string> = {
  yaml: 'application/yaml',
  json: 'application/json',
};

/** A thin client of Chainmail's REST API (`/v1`), on Node's global `fetch`. */
export class ChainmailApi {
  constructor(
    readonly baseUrl: string,
    private readonly options: ApiClientOptions = {},
  ) {}

  /** Publishes; a new workflow is the caller's, or `team`'s (an editor or owner there). */
  async publishWorkflow(source: string, format: DefinitionFormat, team?: string): Promise<PublishedWorkflow> {
    return parsePublished(
      await this.json('POST', `/v1/workflows${teamQuery(team)}`, {
        body: source,
        contentType: CONTENT_TYPES[format],
      }),
    );
  }

  async validateWorkflow(source: string, format: DefinitionFormat): Promise<ValidationOutcome> {
    const body = { body: source, contentType: CONTENT_TYPES[format] };
    return parseValidation(await this.json('POST', '/v1/workflows/validate', body));
  }

  async listWorkflows(): Promise<WorkflowSummary[]> {
    return parseWorkflows(await this.json('GET', '/v1/workflows'));
  }

  async listVersions(name: string): Promise<WorkflowVersion[]> {
    return parseVersions(await this.json('GET', `/v1/workflows/${enc(name)}/versions`));
  }

  async rollback(name: string, version: number): Promise<PublishedWorkflow> {
    return parsePublished(
      await this.json('POST', `/v1/workflows/${enc(name)}/rollback`, jsonBody({ version })),
    );
  }

  async startRun(
    name: string,
    inputs: Json,
    debugging: { debug?: boolean; breakpoints?: string[] } = {},
  ): Promise<string> {
    return parseRunId(
      await this.json('POST', `/v1/workflows/${enc(name)}/runs`, jsonBody({ inputs, ...debugging })),
    );
  }

  /** `GET /v1/runs/:id` as sent (the debug session reads its status, pausedAt, steps, failure). */
  async getRun(runId: string): Promise<Json> {
    return record(await this.json('GET', `/v1/runs/${enc(runId)}`), 'the run');
  }

  /** Time travel: the run's state after the commit at `at`. */
  async runState(runId: string, at: number): Promise<Json> {
    return record(await this.json('GET', `/v1/runs/${enc(runId)}/state?at=${at}`), 'the run state');
  }

  async stepRun(runId: string, input?: string): Promise<unknown> {
    return this.json('POST', `/v1/runs/${enc(runId)}/step`, jsonBody(input === undefined ? {} : { input }));
  }

  async resumeRun(runId: string): Promise<unknown> {
    return this.json('POST', `/v1/runs/${enc(runId)}/resume`, jsonBody({}));
  }

  async pauseRun(runId: string): Promise<unknown> {
    return this.json('POST', `/v1/runs/${enc(runId)}/pause`, jsonBody({}));
  }

  async rewindRun(runId: string, step: string): Promise<unknown> {
    return this.json('POST', `/v1/runs/${enc(runId)}/rewind`, jsonBody({ step }));
  }

  async forkRun(runId: string, request: { step: string; version?: number; debug?: boolean }): Promise<Json> {
    return record(await this.json('POST', `/v1/runs/${enc(runId)}/fork`, jsonBody(request)), 'the fork');
  }

  async listRuns(filter: RunFilter): Promise<RunSummary[]> {
    const query = new URLSearchParams();
    if (filter.workflow) query.set('workflow', filter.workflow);
    if (filter.status) query.set('status', filter.status);
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    const qs = query.toString();
    return parseRuns(await this.json('GET', `/v1/runs${qs ? `?${qs}` : ''}`));
  }

  /**
   * `GET /v1/analytics/workflows/:name` with a workflow, else `GET /v1/analytics/overview`, as
   * sent; `chainmail stats` reads it.
   */
  async analytics(workflow: string | undefined, query: Record<string, string>): Promise<unknown> {
    const qs = new URLSearchParams(query).toString();
    const path =
      workflow === undefined ? '/v1/analytics/overview' : `/v1/analytics/workflows/${enc(workflow)}`;
    return this.json('GET', `${path}${qs ? `?${qs}` : ''}`);
  }

  /** `GET /v1/schedules` as sent; `chainmail schedules` reads it. */
  async listSchedules(): Promise<unknown> {
    return this.json('GET', '/v1/schedules');
  }

  async runEvents(runId: string): Promise<WireRunEvent[]> {
    return parseRunEvents(await this.json('GET', `/v1/runs/${enc(runId)}/events`));
  }

  /** `GET /v1/approvals`: the checkpoints that wait for a decision the caller may make. */
  async listApprovals(filter: { workflow?: string; limit?: number }): Promise<PendingApproval[]> {
    const query = new URLSearchParams();
    if (filter.workflow) query.set('workflow', filter.workflow);
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    const qs = query.toString();
    return parseApprovals(await this.json('GET', `/v1/approvals${qs ? `?${qs}` : ''}`));
  }

  /** `POST /v1/schedules/:id/pause` or `/resume`. */
  async pauseSchedule(id: string, paused: boolean): Promise<Json> {
    return record(
      await this.json('POST', `/v1/schedules/${enc(id)}/${paused ? 'pause' : 'resume'}`, jsonBody({})),
      'the schedule',
    );
  }

  /** A decision at a checkpoint the run waits at, recorded as made with the CLI. */
  async resolveCheckpoint(
    runId: string,
    stepId: string,
    decision: { action: 'approve' | 'reject' | 'edit'; input?: string; comment?: string },
  ): Promise<unknown> {
    return this.json(
      'POST',
      `/v1/runs/${enc(runId)}/checkpoints/${enc(stepId)}`,
      jsonBody({ ...decision, via: 'cli' }),
    );
  }

  async cancelRun(runId: string): Promise<unknown> {
    return this.json('POST', `/v1/runs/${enc(runId)}/cancel`, jsonBody({}));
  }

  /** What the local mail catcher caught, newest first (`chainmail mailbox`). */
  async mailbox(limit?: number): Promise<unknown> {
    return this.json('GET', `/v1/mailbox${limit !== undefined ? `?limit=${limit}` : ''}`);
  }

  async mailboxMail(id: string): Promise<unknown> {
    return this.json('GET', `/v1/mailbox/${enc(id)}`);
  }

  async listAgents(): Promise<AgentView[]> {
    return parseAgents(await this.json('GET', '/v1/agents'));
  }

  async putAgent(address: string, entry: unknown, team?: string): Promise<AgentChangeView> {
    return parseAgentChange(
      await this.json('PUT', `/v1/agents/${agentPath(address)}${teamQuery(team)}`, jsonBody(entry)),
    );
  }

  async removeAgent(address: string, force = false): Promise<AgentChangeView> {
    return parseAgentChange(
      await this.json('DELETE', `/v1/agents/${agentPath(address)}${force ? '?force=true' : ''}`),
    );
  }

  async listTemplates(q?: string, category?: string): Promise<unknown> {
    return this.json('GET', `/v1/templates${queryOf({ q, category })}`);
  }

  async getTemplate(id: string): Promise<unknown> {
    return this.json('GET', `/v1/templates/${enc(id)}`);
  }

  async useTemplate(id: string, body: { name?: string; params?: Json }, team?: string): Promise<unknown> {
    return this.json('POST', `/v1/templates/${enc(id)}/use${teamQuery(team)}`, jsonBody(body));
  }

  async getWorkflow(name: string): Promise<unknown> {
    return this.json('GET', `/v1/workflows/${enc(name)}`);
  }

  async updateWorkflow(name: string): Promise<unknown> {
    return this.json('POST', `/v1/workflows/${enc(name)}/update`, jsonBody({}));
  }

  async listListings(filter: { q?: string; tag?: string; sort?: string }): Promise<unknown> {
    return this.json('GET', `/v1/marketplace/listings${queryOf(filter)}`);
  }

  async getListing(id: string): Promise<unknown> {
    return this.json('GET', `/v1/marketplace/listings/${enc(id)}`);
  }

  async publishListing(body: Json): Promise<unknown> {
    return this.json('POST', '/v1/marketplace/listings', jsonBody(body));
  }

  async installListing(id: string, body: Json): Promise<unknown> {
    return this.json('POST', `/v1/marketplace/listings/${enc(id)}/install`, jsonBody(body));
  }

  async starListing(id: string, starred: boolean): Promise<unknown> {
    return this.json(starred ? 'POST' : 'DELETE', `/v1/marketplace/listings/${enc(id)}/star`);
  }

  async unpublishListing(id: string): Promise<unknown> {
    return this.json('DELETE', `/v1/marketplace/listings/${enc(id)}`);
  }

  /** Sends a secret's value as a text/plain body: never in a URL, never echoed back. */
  async putSecret(name: string, value: string, team?: string): Promise<unknown> {
    return this.json('PUT', `/v1/secrets/${enc(name)}${teamQuery(team)}`, {
      body: value,
      contentType: 'text/plain; charset=utf-8',
    });
  }

  async listSecrets(team?: string): Promise<unknown> {
    return this.json('GET', `/v1/secrets${teamQuery(team)}`);
  }

  async removeSecret(name: string, team?: string): Promise<unknown> {
    return this.json('DELETE', `/v1/secrets/${enc(name)}${teamQuery(team)}`);
  }

  async putVariable(name: string, value: unknown, team?: string): Promise<unknown> {
    return this.json('PUT', `/v1/variables/${enc(name)}${teamQuery(team)}`, jsonBody({ value }));
  }

  async listVariables(team?: string): Promise<unknown> {
    return this.json('GET', `/v1/variables${teamQuery(team)}`);
  }

  async getVariable(name: string, team?: string): Promise<unknown> {
    return this.json('GET', `/v1/variables/${enc(name)}${teamQuery(team)}`);
  }

  async removeVariable(name: string, team?: string): Promise<unknown> {
    return this.json('DELETE', `/v1/variables/${enc(name)}${teamQuery(team)}`);
  }

  /** Starts rebuilding the read models; the answer names the log sequence the replay must reach. */
  async replay(): Promise<{ targetSeq: number }> {
    const answer = await this.json('POST', '/v1/admin/replay', jsonBody({}));
    return { targetSeq: replaySeq(answer, 'targetSeq') };
  }

  /** How far the replay is, as the read models' checkpoint in Postgres says. */
  async replayStatus(): Promise<{
    targetSeq?: number;
    appliedSeq: number;
    appliedEvents: number;
    lastSeq: number;
  }> {
    const answer = await this.json('GET', '/v1/admin/replay');
    const targetSeq =
      isRecord(answer) && answer.targetSeq !== undefined ? replaySeq(answer, 'targetSeq') : undefined;
    return {
      targetSeq,
      appliedSeq: replaySeq(answer, 'appliedSeq'),
      appliedEvents: replaySeq(answer, 'appliedEvents'),
      lastSeq: replaySeq(answer, 'lastSeq'),
    };
  }

  /** Who the token is: `GET /v1/me`. */
  async me(): Promise<unknown> {
    return this.json('GET', '/v1/me');
  }

  // Identities, tokens and the audit trail, as the server sends them: each command reads the fields it shows.

  async createToken(request: {
    name: string;
    scopes?: string[];
    expiresIn?: string;
    userId?: string;
  }): Promise<unknown> {
    return this.json('POST', '/v1/tokens', jsonBody(request));
  }

  async listTokens(filter: { all?: boolean; userId?: string } = {}): Promise<unknown> {
    const query = new URLSearchParams();
    if (filter.all) query.set('all', 'true');
    if (filter.userId) query.set('userId', filter.userId);
    const qs = query.toString();
    return this.json('GET', `/v1/tokens${qs ? `?${qs}` : ''}`);
  }

  async revokeToken(id: string): Promise<unknown> {
    return this.json('DELETE', `/v1/tokens/${enc(id)}`);
  }

  async createUser(request: { name: string; email?: string; admin?: boolean }): Promise<unknown> {
    return this.json('POST', '/v1/users', jsonBody(request));
  }

  async listUsers(): Promise<unknown> {
    return this.json('GET', '/v1/users');
  }

  async createTeam(request: { name: string; owner?: string }): Promise<unknown> {
    return this.json('POST', '/v1/teams', jsonBody(request));
  }

  async listTeams(): Promise<unknown> {
    return this.json('GET', '/v1/teams');
  }

  async setMember(teamId: string, userId: string, role: string): Promise<unknown> {
    return this.json('POST', `/v1/teams/${enc(teamId)}/members`, jsonBody({ userId, role }));
  }

  async removeMember(teamId: string, userId: string): Promise<unknown> {
    return this.json('DELETE', `/v1/teams/${enc(teamId)}/members/${enc(userId)}`);
  }

  async audit(filter: { action?: string; actor?: string; limit?: number } = {}): Promise<unknown> {
    const query = new URLSearchParams();
    if (filter.action) query.set('action', filter.action);
    if (filter.actor) query.set('actor', filter.actor);
    if (filter.limit !== undefined) query.set('limit', String(filter.limit));
    const qs = query.toString();
    return this.json('GET', `/v1/audit${qs ? `?${qs}` : ''}`);
  }

  /** `GET /readyz`; a 503 is an answer, not an error. */
  async readiness(timeoutMs = 2000): Promise<Readiness> {
    const res = await this.request('GET', '/readyz', { timeoutMs });
    return { ready: res.ok, status: res.status, body: await readBody(res) };
  }

  /**
   * Follows a run's events live (SSE) until the stream closes after a terminal event (a rewound
   * run's stream goes on past its earlier end). A stream that closes early is
   * reopened from where it stopped (`Last-Event-ID`, or by skipping what was already seen when
   * the server sends no ids).
   */
  async *followRunEvents(runId: string, signal?: AbortSignal): AsyncGenerator<WireRunEvent> {
    let seen = 0;
    let lastId: string | undefined;
    let reconnectsLeft = this.options.reconnects ?? 3;
    for (;;) {
      const headers: Record<string, string> = lastId === undefined ? {} : { 'Last-Event-ID': lastId };
      const res = await this.request('GET', `/v1/runs/${enc(runId)}/events`, {
        accept: 'text/event-stream',
        timeoutMs: null,
        headers,
        signal,
      });
      if (!res.ok) throw await toApiError(res);
      if (!res.body) throw new ApiError(res.status, 'BAD_RESPONSE', 'the event stream has no body');
      const resumed = lastId !== undefined;
      let skip = resumed ? 0 : seen;
      let progressed = false;
      let ended = false;
      for await (const message of readSse(res.body)) {
        if (message.event === 'error') throw errorFromStream(message.data);
        for (const event of eventsOf(message.data)) {
          if (skip > 0) {
            skip -= 1;
            continue;
          }
          seen += 1;
          progressed = true;
          if (message.id !== undefined) lastId = message.id;
          yield event;
          ended = TERMINAL_EVENT_TYPES.has(event.type);
        }
      }
      if (ended) return;
      if (progressed) reconnectsLeft = this.options.reconnects ?? 3;
      if (reconnectsLeft <= 0) {
        throw new ApiError(0, 'STREAM_CLOSED', 'the event stream closed before the run ended');
      }
      reconnectsLeft -= 1;
      await delay(this.options.reconnectDelayMs ?? 500, signal);
    }
  }

  private async json(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const res = await this.request(method, path, { accept: 'application/json', ...options });
    if (!res.ok) throw await toApiError(res);
    return readBody(res);
  }

  private async request(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.accept) headers.Accept = options.accept;
    if (options.contentType) headers['Content-Type'] = options.contentType;
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    const timeoutMs =
      options.timeoutMs === undefined ? (this.options.timeoutMs ?? 30_000) : options.timeoutMs;
    const signals = [options.signal, timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs)].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body,
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw unreachable(this.baseUrl, err, timeoutMs);
    }
  }
}

function teamQuery(team: string | undefined): string {
  return team === undefined ? '' : `?team=${enc(team)}`;
}

function queryOf(params: Record<string, string | undefined>): string {
  const pairs = Object.entries(params).filter(
    (p): p is [string, string] => p[1] !== undefined && p[1] !== '',
  );
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** `@` is a valid path character: `/v1/agents/research@` reads better in logs than `research%40`. */
function agentPath(address: string): string {
  return encodeURIComponent(address).replace(/%40/g, '@');
}

function jsonBody(value: unknown): RequestOptions {
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const body = await readBody(res);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error) {
    return new ApiError(
      res.status,
      str(error.code) ?? `HTTP_${res.status}`,
      str(error.message) ?? res.statusText,
      error.details,
    );
  }
  const text = typeof body === 'string' && body.length > 0 ? body.slice(0, 200) : res.statusText;
  return new ApiError(res.status, `HTTP_${res.status}`, text || 'request failed');
}

function errorFromStream(data: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(data);
    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : parsed;
    if (isRecord(error)) {
      return new ApiError(0, str(error.code) ?? 'STREAM_ERROR', str(error.message) ?? data, error.details);
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return new ApiError(0, 'STREAM_ERROR', data);
}

/** One SSE message carries one run event; a commit (`{events: [...]}`) is accepted too. */
function eventsOf(data: string): WireRunEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new ApiError(
      0,
      'BAD_RESPONSE',
      `the event stream sent something that is not JSON: ${data.slice(0, 80)}`,
    );
  }
  if (isRecord(parsed) && Array.isArray(parsed.events)) return parsed.events.map(parseRunEvent);
  return [parseRunEvent(parsed)];
}

function unreachable(baseUrl: string, err: unknown, timeoutMs: number | null): ServerUnreachable {
  // Read errors by shape, not `instanceof`: fetch's errors may come from another realm.
  const error = isRecord(err) ? err : {};
  if (error.name === 'TimeoutError') {
    return new ServerUnreachable(baseUrl, false, `no answer within ${timeoutMs} ms`);
  }
  const codes = causeCodes(error.cause);
  if (codes.includes('ECONNREFUSED')) return new ServerUnreachable(baseUrl, true, 'connection refused');
  const cause = isRecord(error.cause) ? str(error.cause.message) : undefined;
  const reason = codes[0] ?? cause ?? str(error.message) ?? String(err);
  return new ServerUnreachable(baseUrl, false, reason);
}

/** fetch wraps socket errors in `cause`, sometimes an AggregateError (one per address tried). */
function causeCodes(cause: unknown): string[] {
  if (!isRecord(cause)) return [];
  const errors: unknown[] = Array.isArray(cause.errors) ? cause.errors : [cause];
  return errors.flatMap((e) => (isRecord(e) && typeof e.code === 'string' ? [e.code] : []));
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

function replaySeq(answer: unknown, field: string): number {
  const value = isRecord(answer) ? answer[field] : undefined;
  if (typeof value !== 'number')
    throw new UnexpectedResponse(`expected the replay's ${field} to be a number`);
  return value;
}
