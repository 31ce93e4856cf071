/**
 * What the CLI reads from Chainmail's REST API, and the checks that turn parsed JSON (unknown)
 * into these shapes at the boundary. Checks are lenient about extra fields and strict about the
 * ones the CLI prints.
 */

export interface ValidationIssue {
  code: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
  hint?: string;
}

export interface PublishedWorkflow {
  name: string;
  version: number;
  /** Problems that do not stop publishing (the DSL's warnings), when the server reports them. */
  warnings: ValidationIssue[];
  /** The text was the active version already: no new version was made. */
  unchanged: boolean;
}

export interface WorkflowSummary {
  name: string;
  activeVersion?: number;
  latestVersion?: number;
  description?: string;
  updatedAt?: string;
  /** The email addresses its active version's triggers bind (`competitor-intel@`). */
  emailAddresses?: string[];
}

export interface WorkflowVersion {
  version: number;
  publishedAt?: string;
  publishedBy?: string;
  active: boolean;
}

export interface RunSummary {
  id: string;
  workflow: string;
  version?: number;
  status: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  trigger?: string;
}

/**
 * A run event as it arrives on the wire. Known types are described by `RunEventMap` in
 * `@chainmail/contracts`; the CLI also shows types it does not know, so `type` stays a string.
 */
export interface WireRunEvent {
  type: string;
  runId: string;
  at: string;
  data: Record<string, unknown>;
  v?: number;
  /** The sequence of the commit the event is in (absent on live events of older servers). */
  seq?: number;
}

export type ValidationOutcome =
  { valid: true; name?: string; warnings: ValidationIssue[] } | { valid: false; issues: ValidationIssue[] };

export class UnexpectedResponse extends Error {}

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function record(value: unknown, what: string): Json {
  if (!isRecord(value)) throw new UnexpectedResponse(`expected ${what} to be an object`);
  return value;
}

function list(body: unknown, key: string): unknown[] {
  const value = record(body, 'the response')[key];
  if (!Array.isArray(value)) throw new UnexpectedResponse(`expected "${key}" to be a list`);
  return value;
}

function requiredStr(o: Json, key: string, what: string): string {
  const value = str(o[key]);
  if (value === undefined) throw new UnexpectedResponse(`expected ${what}.${key} to be a string`);
  return value;
}

function requiredNum(o: Json, key: string, what: string): number {
  const value = num(o[key]);
  if (value === undefined) throw new UnexpectedResponse(`expected ${what}.${key} to be a number`);
  return value;
}

/** `details.issues` of a validation error. */
export function parseIssues(details: unknown): ValidationIssue[] {
  return isRecord(details) ? parseIssueList(details.issues) : [];
}

function parseIssueList(value: unknown): ValidationIssue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((i) => ({
    code: str(i.code) ?? 'INVALID',
    message: str(i.message) ?? 'invalid',
    path: Array.isArray(i.path) ? i.path.join('.') : str(i.path),
    line: num(i.line),
    column: num(i.column),
    hint: str(i.hint),
  }));
}

export function parsePublished(body: unknown): PublishedWorkflow {
  const o = record(body, 'the response');
  return {
    name: requiredStr(o, 'name', 'response'),
    version: requiredNum(o, 'version', 'response'),
    warnings: parseIssueList(o.warnings),
    unchanged: o.unchanged === true,
  };
}

/** The validate endpoint may answer 200 `{valid:false, issues}` or an error; both end here. */
export function parseValidation(body: unknown): ValidationOutcome {
  const o = record(body, 'the response');
  if (o.valid === false) return { valid: false, issues: parseIssueList(o.issues) };
  return { valid: true, name: str(o.name), warnings: parseIssueList(o.warnings) };
}

export function parseWorkflows(body: unknown): WorkflowSummary[] {
  return list(body, 'workflows').map((item) => {
    const o = record(item, 'a workflow');
    return {
      name: requiredStr(o, 'name', 'workflow'),
      activeVersion: num(o.activeVersion),
      latestVersion: num(o.latestVersion),
      description: str(o.description),
      updatedAt: str(o.updatedAt),
      emailAddresses: emailAddressesOf(o.triggers),
    };
  });
}

function emailAddressesOf(triggers: unknown): string[] {
  if (!Array.isArray(triggers)) return [];
  return triggers.flatMap((t: unknown) => {
    const trigger = t as { type?: unknown; address?: unknown } | null;
    return trigger?.type === 'email' && typeof trigger.address === 'string' ? [trigger.address] : [];
  });
}

export function parseVersions(body: unknown): WorkflowVersion[] {
  return list(body, 'versions').map((item) => {
    const o = record(item, 'a version');
    return {
      version: requiredNum(o, 'version', 'version'),
      publishedAt: str(o.publishedAt),
      publishedBy: str(o.publishedBy),
      active: o.active === true,
    };
  });
}

export function parseRunId(body: unknown): string {
  return requiredStr(record(body, 'the response'), 'runId', 'response');
}

export function parseRuns(body: unknown): RunSummary[] {
  return list(body, 'runs').map((item) => {
    const o = record(item, 'a run');
    const trigger = isRecord(o.trigger) ? str(o.trigger.kind) : str(o.trigger);
    return {
      id: requiredStr(o, 'id', 'run'),
      workflow: requiredStr(o, 'workflow', 'run'),
      version: num(o.version),
      status: requiredStr(o, 'status', 'run'),
      startedAt: str(o.startedAt),
      endedAt: str(o.endedAt),
      durationMs: num(o.durationMs),
      trigger,
    };
  });
}

export function parseRunEvent(value: unknown): WireRunEvent {
  const o = record(value, 'a run event');
  return {
    type: requiredStr(o, 'type', 'event'),
    runId: requiredStr(o, 'runId', 'event'),
    at: requiredStr(o, 'at', 'event'),
    data: isRecord(o.data) ? o.data : {},
    v: num(o.v),
    ...(num(o.seq) !== undefined ? { seq: num(o.seq) } : {}),
  };
}

export function parseRunEvents(body: unknown): WireRunEvent[] {
  return list(body, 'events').map(parseRunEvent);
}

/** A checkpoint that waits for a decision the caller may make, as `GET /v1/approvals` lists it. */
export interface PendingApproval {
  runId: string;
  workflow: string;
  step: string;
  visit: number;
  message: string;
  actions: Record<string, string>;
  deadline?: string;
  approvers: string[];
  openedAt?: string;
  /** The last output before the checkpoint: what it waits on. */
  draft?: { step: string; output: string };
}

export function parseApprovals(body: unknown): PendingApproval[] {
  return list(body, 'approvals').map((item) => {
    const o = record(item, 'an approval');
    const draft = isRecord(o.draft) ? o.draft : undefined;
    return {
      runId: requiredStr(o, 'runId', 'approval'),
      workflow: requiredStr(o, 'workflow', 'approval'),
      step: requiredStr(o, 'step', 'approval'),
      visit: requiredNum(o, 'visit', 'approval'),
      message: str(o.message) ?? '',
      actions: isRecord(o.actions)
        ? Object.fromEntries(
            Object.entries(o.actions).filter((e): e is [string, string] => typeof e[1] === 'string'),
          )
        : {},
      deadline: str(o.deadline),
      approvers: Array.isArray(o.approvers)
        ? o.approvers.filter((a): a is string => typeof a === 'string')
        : [],
      openedAt: str(o.openedAt),
      ...(draft !== undefined
        ? { draft: { step: str(draft.step) ?? '', output: str(draft.output) ?? '' } }
        : {}),
    };
  });
}
