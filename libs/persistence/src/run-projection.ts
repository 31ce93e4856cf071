import type {
  AttemptError,
  CheckpointDecision,
  CheckpointVia,
  ForkOrigin,
  PausedAt,
  RunError,
  RunEvent,
  RunEventOf,
  RunViewStatus,
  StepError,
  StepViewStatus,
  StoredRunCommit,
  TriggerInfo,
  Usage,
} from '@chainmail/contracts';

/**
 * The pure half of the run read model: folds commits into row patches, no IO.
 * A patch carries only what its events say; `RunProjectionWriter` merges it into the rows so
 * that replays, redeliveries and out-of-order batches never move a row backwards.
 */

export interface RunPatch {
  id: string;
  /** Stream sequence of the newest commit folded in. */
  lastSeq: number;
  /** Time of the first event folded in: a stand-in start time until `RunStarted` is seen. */
  firstAt: string;
  /** Facts of `RunStarted`; all present or all absent. */
  started?: {
    workflow: string;
    version: number;
    owner: string;
    actor: string;
    trigger: TriggerInfo;
    inputs: Record<string, unknown>;
    debug: boolean;
    startedAt: string;
    /** A sub-workflow run: the run whose step started it. */
    parentRunId?: string;
    /** The owner's variables recorded at the start. */
    vars?: Record<string, unknown>;
    /** A forked run: where it came from. */
    forkedFrom?: ForkOrigin;
    /** The run's trace: the one its `RunStarted` commit was appended in. */
    traceId?: string;
  };
  status?: RunViewStatus;
  /** Set while the patch's newest status is `paused` (absent with another status: cleared). */
  pausedAt?: PausedAt;
  /** The run was rewound in these events: the end facts of older rows no longer hold. */
  reopened?: boolean;
  output?: string;
  error?: RunError;
  endedAt?: string;
  durationMs?: number;
}

export interface StepPatch {
  runId: string;
  stepId: string;
  lastSeq: number;
  /** Ordering key of the step's first appearance in this batch (stream sequence, then index). */
  position: number;
  visit: number;
  /** Attempt number of the visit; unknown when only a skip was seen. */
  attempts?: number;
  status: StepViewStatus;
  /*
   * Fields below belong to the patch's (visit, attempt). Absent means "not known from these
   * events" when the row is on the same attempt, and "cleared" when the row is on an older one.
   */
  agent?: string;
  input?: string;
  output?: string;
  error?: StepError;
  usage?: Usage;
  skipReason?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  kind?: string;
  /** A parallel or foreach step's output: its children's outputs in order. */
  items?: unknown[];
  /** The visit's checkpoint message: the checkpoint is open while the step waits without a decision. */
  checkpointMessage?: string;
  /** Who may decide (addresses, `owner`, `team:<id>`), as `CheckpointOpened` names them. */
  checkpointApprovers?: string[];
  /** What each decision does (`continue`, `abort`, `goto <step>`). */
  checkpointActions?: Record<CheckpointDecision, string>;
  /** When the checkpoint's timeout decides for nobody: opened + its timeout. */
  checkpointDeadline?: string;
  decision?: StepDecision;
  /** The visit's failed attempts, oldest first. */
  attemptErrors?: AttemptError[];
}

export interface StepDecision {
  action: CheckpointDecision;
  input?: string;
  comment?: string;
  by: string;
  /** How it came (absent in older events, which came through the API, and in a timeout's decision). */
  via?: CheckpointVia;
  /** When it was decided. */
  at?: string;
}

/** An email agent's mail of one step attempt, and whether its reply has come. */
export interface AgentMailPatch {
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
  lastSeq: number;
  messageId?: string;
  agent?: string;
  to?: string;
  replied: boolean;
  replyMessageId?: string;
}

/**
 * One attempt of one step, for analytics (`analytics_step_attempts`): unlike `run_steps`, which
 * keeps the step's latest attempt, every attempt keeps its own row (retries, failures by code,
 * latency and usage of each call). Each field comes from exactly one event, so facts merge in any
 * order.
 */
export interface StepAttemptFact {
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
  lastSeq: number;
  /** Absent until the attempt ends. */
  status?: 'succeeded' | 'failed';
  agent?: string;
  kind?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  errorCode?: string;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
}

/** A checkpoint's wait for a person in one visit of its step (`analytics_checkpoint_waits`). */
export interface CheckpointWaitFact {
  runId: string;
  stepId: string;
  visit: number;
  lastSeq: number;
  openedAt?: string;
  resolvedAt?: string;
  action?: CheckpointDecision;
}

/** How a run ended, as its terminal event says: what the views and a waiting caller show. */
export type RunEnd =
  | { status: 'succeeded'; output: string; durationMs: number }
  | { status: 'failed' | 'cancelled'; error: RunError; durationMs: number };

export interface ProjectionBatch {
  /** Sorted by id, so concurrent writers lock rows in the same order. */
  runs: RunPatch[];
  /** Sorted by run id, then step id. */
  steps: StepPatch[];
  /** Sorted by run id, step id, visit, attempt. */
  mails: AgentMailPatch[];
  /** Analytics facts: one per step attempt seen, sorted by run, step, visit, attempt. */
  attempts: StepAttemptFact[];
  /** Analytics facts: one per checkpoint visit seen, sorted by run, step, visit. */
  checkpoints: CheckpointWaitFact[];
  /** Highest stream sequence in the batch (0 when empty). */
  lastSeq: number;
  /** Events folded (a commit delivered twice in the batch counts once): a replay's progress. */
  events: number;
}

/** Events per commit above this share one position slot; commits are far smaller in practice. */
const POSITION_SLOTS = 4096;

export const stepPosition = (seq: number, eventIndex: number): number =>
  seq * POSITION_SLOTS + Math.min(eventIndex, POSITION_SLOTS - 1);

/** Folds commits (any runs, any order, duplicates allowed) into one patch per run and per step. */
export function projectCommits(commits: readonly StoredRunCommit[]): ProjectionBatch {
  const ordered = [...commits].sort((a, b) => a.seq - b.seq);
  const runs = new Map<string, RunPatch>();
  const steps = new Map<string, StepPatch>();
  const mails = new Map<string, AgentMailPatch>();
  const attempts = new Map<string, StepAttemptFact>();
  const checkpoints = new Map<string, CheckpointWaitFact>();
  let lastSeq = 0;
  let events = 0;
  let previousSeq = -1;
  for (const commit of ordered) {
    if (commit.seq === previousSeq) continue; // the same message delivered twice in one batch
    previousSeq = commit.seq;
    lastSeq = Math.max(lastSeq, commit.seq);
    events += commit.events.length;
    commit.events.forEach((event, index) => {
      // The subject names the run; an event claiming another run id is ignored, not trusted.
      if (event.runId !== commit.runId) return;
      const run = runPatch(runs, commit, event.at);
      if (event.type === 'RunStarted' && event.data.carried !== undefined)
        applyCarriedSteps(steps, commit, event, index);
      if (!applyRunEvent(run, event, commit) && !applyMailEvent(mails, commit, event)) {
        applyStepEvent(steps, commit, event, index);
        applyAnalyticsEvent(attempts, checkpoints, commit, event);
      }
    });
  }
  return {
    runs: [...runs.values()].sort((a, b) => compare(a.id, b.id)),
    steps: [...steps.values()].sort((a, b) => compare(a.runId, b.runId) || compare(a.stepId, b.stepId)),
    mails: [...mails.values()].sort(
      (a, b) =>
        compare(a.runId, b.runId) ||
        compare(a.stepId, b.stepId) ||
        a.visit - b.visit ||
        a.attempt - b.attempt,
    ),
    attempts: [...attempts.values()].sort(
      (a, b) =>
        compare(a.runId, b.runId) ||
        compare(a.stepId, b.stepId) ||
        a.visit - b.visit ||
        a.attempt - b.attempt,
    ),
    checkpoints: [...checkpoints.values()].sort(
      (a, b) => compare(a.runId, b.runId) || compare(a.stepId, b.stepId) || a.visit - b.visit,
    ),
    lastSeq,
    events,
  };
}

function runPatch(runs: Map<string, RunPatch>, commit: StoredRunCommit, at: string): RunPatch {
  let patch = runs.get(commit.runId);
  if (!patch) {
    patch = { id: commit.runId, lastSeq: commit.seq, firstAt: at };
    runs.set(commit.runId, patch);
  }
  patch.lastSeq = Math.max(patch.lastSeq, commit.seq);
  return patch;
}

/** Applies a run-level event; returns false for step events. */
function applyRunEvent(run: RunPatch, event: RunEvent, commit: StoredRunCommit): boolean {
  if (event.type === 'RunStarted') {
    const d = event.data;
    run.started = {
      workflow: d.workflow,
      version: d.version,
      owner: d.owner,
      actor: d.actor,
      trigger: d.trigger,
      inputs: d.inputs,
      debug: d.debug,
      startedAt: event.at,
      ...(d.parent !== undefined ? { parentRunId: d.parent.runId } : {}),
      ...(d.vars !== undefined ? { vars: d.vars } : {}),
      ...(d.forkedFrom !== undefined ? { forkedFrom: d.forkedFrom } : {}),
      ...(commit.traceId !== undefined ? { traceId: commit.traceId } : {}),
    };
    run.status ??= 'running';
    return true;
  }
  switch (event.type) {
    case 'RunPaused': {
      const d = event.data;
      run.status = 'paused';
      run.pausedAt = {
        step: d.stepId,
        visit: d.visit,
        at: event.at,
        ...(d.input !== undefined ? { input: d.input } : {}),
      };
      return true;
    }
    case 'RunStepped':
    case 'RunResumed':
      run.status = 'running';
      run.pausedAt = undefined;
      return true;
    case 'RunRewound':
      run.status = 'running';
      run.pausedAt = undefined;
      run.reopened = true;
      run.output = undefined;
      run.error = undefined;
      run.endedAt = undefined;
      run.durationMs = undefined;
      return true;
    default:
      break;
  }
  const end = runEndOf(event);
  if (end === undefined) return false;
  run.pausedAt = undefined;
  run.status = end.status;
  run.endedAt = event.at;
  run.durationMs = end.durationMs;
  if (end.status === 'succeeded') run.output = end.output;
  else run.error = end.error;
  return true;
}

/** The end a terminal event records, else undefined: the one reading of terminal events. */
export function runEndOf(event: RunEvent): RunEnd | undefined {
  switch (event.type) {
    case 'RunSucceeded':
      return { status: 'succeeded', output: event.data.output, durationMs: event.data.durationMs };
    case 'RunFailed':
      return { status: 'failed', error: event.data.error, durationMs: event.data.durationMs };
    case 'RunTimedOut':
      // Read models have no status of their own for it: a failure with code RUN_TIMEOUT, like the engine's state.
      return {
        status: 'failed',
        durationMs: event.data.durationMs,
        error: {
          code: 'RUN_TIMEOUT',
          message:
            event.data.message ?? `the run did not finish within ${event.data.timeoutMs} ms (its timeout)`,
          retryable: true,
          stepId: event.data.stepId,
        },
      };
    case 'RunCancelled':
      // Same shape as the engine's state, so the view and `evolve` agree.
      return {
        status: 'cancelled',
        durationMs: event.data.durationMs,
        error: { code: 'RUN_CANCELLED', message: event.data.reason, retryable: false },
      };
    default:
      return undefined;
  }
}

/** Applies an email agent's mail or reply; returns false for other events. */
function applyMailEvent(
  mails: Map<string, AgentMailPatch>,
  commit: StoredRunCommit,
  event: RunEvent,
): boolean {
  if (event.type !== 'AgentMailSent' && event.type !== 'AgentReplyReceived') return false;
  const mail = mailPatch(mails, commit, event);
  if (event.type === 'AgentMailSent') {
    mail.messageId = event.data.messageId;
    mail.agent = event.data.agent;
    mail.to = event.data.to;
  } else {
    mail.replied = true;
    mail.replyMessageId ??= event.data.messageId;
  }
  return true;
}

function mailPatch(
  mails: Map<string, AgentMailPatch>,
  commit: StoredRunCommit,
  event: RunEventOf<'AgentMailSent'> | RunEventOf<'AgentReplyReceived'>,
): AgentMailPatch {
  const { stepId, visit, attempt } = event.data;
  const key = `${commit.runId}\u0000${stepId}\u0000${visit}\u0000${attempt}`;
  let mail = mails.get(key);
  if (!mail) {
    mail = { runId: commit.runId, stepId, visit, attempt, lastSeq: commit.seq, replied: false };
    mails.set(key, mail);
  }
  mail.lastSeq = Math.max(mail.lastSeq, commit.seq);
  return mail;
}

function applyStepEvent(
  steps: Map<string, StepPatch>,
  commit: StoredRunCommit,
  event: RunEvent,
  index: number,
): void {
  switch (event.type) {
    case 'StepStarted': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'running');
      if (!step) return;
      step.agent = d.agent;
      step.input = d.input;
      step.kind = d.kind ?? 'agent';
      step.startedAt = event.at;
      return;
    }
    case 'StepSucceeded': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'succeeded');
      if (!step) return;
      step.output = d.output;
      step.items = d.items;
      step.usage = d.usage;
      step.error = undefined;
      step.endedAt = event.at;
      step.durationMs = d.durationMs;
      return;
    }
    case 'StepFailed': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'failed');
      if (!step) return;
      step.attemptErrors = [
        ...(step.attemptErrors ?? []).filter((e) => e.attempt !== d.attempt),
        { attempt: d.attempt, error: d.error, at: event.at },
      ];
      step.error = d.error;
      step.endedAt = event.at;
      step.durationMs = d.durationMs;
      return;
    }
    case 'StepSkipped': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, undefined, 'skipped');
      if (!step) return;
      step.skipReason = d.reason;
      step.endedAt = event.at;
      return;
    }
    case 'CheckpointOpened': {
      // Of the visit's running attempt, whichever it is (the event names none).
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, undefined, 'waiting');
      if (!step) return;
      step.checkpointMessage = d.message;
      if (d.approvers !== undefined) step.checkpointApprovers = d.approvers;
      if (d.actions !== undefined) step.checkpointActions = d.actions;
      if (d.timeoutMs !== undefined)
        step.checkpointDeadline = new Date(Date.parse(event.at) + d.timeoutMs).toISOString();
      return;
    }
    case 'CheckpointResolved': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, undefined, 'running');
      if (!step) return;
      step.decision = {
        action: d.action,
        by: d.by,
        ...(d.input !== undefined ? { input: d.input } : {}),
        ...(d.comment !== undefined ? { comment: d.comment } : {}),
        // Absent in events of before `via` (the API then), and in a timeout's decision.
        ...(d.via !== undefined ? { via: d.via } : {}),
        at: event.at,
      };
      return;
    }
    default:
      return; // events this view does not show yet
  }
}

/** A forked run starts with the results it took over: shown as finished steps. */
function applyCarriedSteps(
  steps: Map<string, StepPatch>,
  commit: StoredRunCommit,
  event: RunEventOf<'RunStarted'>,
  index: number,
): void {
  for (const [stepId, c] of Object.entries(event.data.carried ?? {})) {
    const step = stepPatch(steps, commit, index, stepId, 1, c.attempt, c.status);
    if (!step) continue;
    step.kind = c.kind ?? 'agent';
    step.agent = c.agent;
    step.input = c.input;
    step.output = c.output;
    step.items = c.items;
    step.error = c.error;
    step.skipReason = c.skipReason;
    step.startedAt = event.at;
    step.endedAt = event.at;
    step.durationMs = 0;
  }
}

/** Folds a step event into the analytics facts of its attempt or its checkpoint visit. */
function applyAnalyticsEvent(
  attempts: Map<string, StepAttemptFact>,
  checkpoints: Map<string, CheckpointWaitFact>,
  commit: StoredRunCommit,
  event: RunEvent,
): void {
  const attemptFact = (stepId: string, visit: number, attempt: number): StepAttemptFact => {
    const key = `${commit.runId}\u0000${stepId}\u0000${visit}\u0000${attempt}`;
    let fact = attempts.get(key);
    if (!fact) {
      fact = { runId: commit.runId, stepId, visit, attempt, lastSeq: commit.seq };
      attempts.set(key, fact);
    }
    fact.lastSeq = Math.max(fact.lastSeq, commit.seq);
    return fact;
  };
  const checkpointFact = (stepId: string, visit: number): CheckpointWaitFact => {
    const key = `${commit.runId}\u0000${stepId}\u0000${visit}`;
    let fact = checkpoints.get(key);
    if (!fact) {
      fact = { runId: commit.runId, stepId, visit, lastSeq: commit.seq };
      checkpoints.set(key, fact);
    }
    fact.lastSeq = Math.max(fact.lastSeq, commit.seq);
    return fact;
  };
  switch (event.type) {
    case 'StepStarted': {
      const d = event.data;
      const fact = attemptFact(d.stepId, d.visit, d.attempt);
      fact.agent = d.agent;
      fact.kind = d.kind ?? 'agent';
      fact.startedAt = event.at;
      return;
    }
    case 'StepSucceeded':
    case 'StepFailed': {
      const d = event.data;
      const fact = attemptFact(d.stepId, d.visit, d.attempt);
      fact.status = event.type === 'StepSucceeded' ? 'succeeded' : 'failed';
      if (event.type === 'StepFailed') fact.errorCode = event.data.error.code;
      fact.endedAt = event.at;
      fact.durationMs = d.durationMs;
      fact.promptTokens = d.usage?.promptTokens;
      fact.completionTokens = d.usage?.completionTokens;
      fact.costUsd = d.usage?.costUsd;
      return;
    }
    case 'CheckpointOpened': {
      checkpointFact(event.data.stepId, event.data.visit).openedAt = event.at;
      return;
    }
    case 'CheckpointResolved': {
      const fact = checkpointFact(event.data.stepId, event.data.visit);
      fact.resolvedAt = event.at;
      fact.action = event.data.action;
      return;
    }
    default:
      return;
  }
}

/**
 * The step's patch, moved onto (visit, attempt). A later attempt starts from a clean slate:
 * the earlier attempt's output or error no longer describes the step.
 */
function stepPatch(
  steps: Map<string, StepPatch>,
  commit: StoredRunCommit,
  index: number,
  stepId: string,
  visit: number,
  attempt: number | undefined,
  status: StepViewStatus,
): StepPatch | undefined {
  const key = `${commit.runId}\u0000${stepId}`;
  const existing = steps.get(key);
  if (!existing) {
    const created: StepPatch = {
      runId: commit.runId,
      stepId,
      lastSeq: commit.seq,
      position: stepPosition(commit.seq, index),
      visit,
      attempts: attempt,
      status,
    };
    steps.set(key, created);
    return created;
  }
  existing.lastSeq = Math.max(existing.lastSeq, commit.seq);
  // An event of an earlier attempt than one already folded says nothing about the step now.
  if (visit < existing.visit) return undefined;
  if (visit === existing.visit && attempt !== undefined && attempt < (existing.attempts ?? 0))
    return undefined;
  if (isLaterAttempt(visit, attempt, existing.visit, existing.attempts)) {
    const fresh: StepPatch = {
      runId: existing.runId,
      stepId,
      lastSeq: existing.lastSeq,
      position: existing.position,
      visit,
      attempts: attempt ?? (visit === existing.visit ? existing.attempts : undefined),
      status,
      // Earlier attempts' errors of the same visit stay: they are why the step is on this attempt.
      ...(visit === existing.visit && existing.attemptErrors
        ? { attemptErrors: existing.attemptErrors }
        : {}),
    };
    steps.set(key, fresh);
    return fresh;
  }
  existing.status = status;
  existing.attempts ??= attempt;
  return existing;
}

/**
 * Same rule as the writer's SQL: a greater visit, or the same visit with a greater attempt than a
 * known one (a patch that knows no attempt yet merges with whichever comes).
 */
export function isLaterAttempt(
  visit: number,
  attempt: number | undefined,
  currentVisit: number,
  currentAttempt: number | undefined,
): boolean {
  if (visit !== currentVisit) return visit > currentVisit;
  return attempt !== undefined && currentAttempt !== undefined && attempt > currentAttempt;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
