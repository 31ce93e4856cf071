import type {
  CheckpointDecision,
  ForkOrigin,
  ParentRun,
  RunBudget,
  SkipCause,
  StepError,
  StepKindName,
  TriggerInfo,
  Usage,
} from '@chainmail/contracts';

/** The state of one run, folded from its events by `evolve`. Plain data: cacheable, comparable. */

export type RunStatus = 'new' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** The status of a step's latest visit and attempt (what read models show). */
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepRuntime {
  status: StepStatus;
  visit: number;
  attempt: number;
  /** Absent in logs written before control flow: an agent step. */
  kind?: StepKindName;
  agent?: string;
  workflow?: string;
  /** The child run of a sub-workflow attempt. */
  childRunId?: string;
  input?: string;
  output?: string;
  /** A parallel or foreach step's output: its children's outputs in order. */
  items?: unknown[];
  error?: StepError;
  usage?: Usage;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** The limit of the running attempt (StepStarted.timeoutMs). */
  timeoutMs?: number;
  skipReason?: string;
  skipCause?: SkipCause;
  /** The parallel or foreach step this one runs inside, and a foreach item's index. */
  parent?: string;
  index?: number;
  /** A foreach step: the list it goes over. */
  list?: unknown[];
  /** A failed attempt waiting for its retry timer. */
  retry?: { attempt: number; dueAt: string };
  /** The running attempt's call waits for a free slot of its agent (StepDeferred), until its resume timer. */
  deferred?: { deferral: number; dueAt: string };
  /** How often the running attempt was deferred so far. */
  deferrals?: number;
  /** An email agent's mail of the running attempt, waiting for its reply. */
  mail?: { messageId: string; to: string; sentAt: string };
  /** An open checkpoint, waiting for a decision. */
  checkpoint?: { message: string; openedAt: string; timeoutMs?: number };
  /** The decision that closed the checkpoint. */
  decision?: { action: CheckpointDecision; input?: string; comment?: string; by: string };
  /**
   * A loop sent the run back before this step: it waits for its next visit. The fields above
   * still describe the last visit, so templates read the latest outputs.
   */
  pending?: boolean;
}

export interface RunState {
  runId: string;
  status: RunStatus;
  workflow: string;
  version: number;
  inputs: Record<string, unknown>;
  trigger: TriggerInfo;
  owner: string;
  actor: string;
  debug: boolean;
  timeoutMs: number;
  startedAt?: string;
  endedAt?: string;
  /** Steps that have begun at least once (and foreach items), by id. Absent = not reached yet. */
  steps: Readonly<Record<string, StepRuntime>>;
  output?: string;
  error?: StepError & { stepId?: string };
  /** A sub-workflow run: the parent step it reports to. */
  parent?: ParentRun;
  depth: number;
  /** Goto targets that run on their next visit even if a need was skipped. */
  activated: Readonly<Record<string, true>>;
  /**
   * Waits for people open now: checkpoints and email agents' replies. While any is, the run is
   * parked and its own timeout does not run (each wait has its own).
   */
  openCheckpoints: number;
  parkedSince?: string;
  /** Time spent parked at checkpoints before `parkedSince`. */
  parkedMs: number;
  /** A sub-workflow run's share of its parent's budget (RunStarted.limits); the definition's `limits` apply too. */
  limits?: RunBudget;
  /** The owner's variables recorded at the start (RunStarted.vars); the definition's `vars` win over them. */
  vars?: Readonly<Record<string, unknown>>;
  /** What the run's agent calls have cost so far, from the usage on its step results. */
  spent: Spent;
  /**
   * Step-by-step debugging: `every` pauses before each top-level step (a `debug` run, or after a
   * step command), `breakpoints` only before those; absent: the run never pauses.
   */
  pauseMode?: 'every' | 'breakpoints';
  breakpoints: readonly string[];
  /** The run waits before this visit of a top-level step (RunPaused), with its resolved input. */
  paused?: { stepId: string; visit: number; input?: string; at: string };
  /** The step a step or resume command let go: it begins without pausing, with `input` if one was given. */
  released?: { stepId: string; visit: number; input?: string };
  /** A forked run: the run, commit and step it came from. */
  forkedFrom?: ForkOrigin;
  /** The trace context the run was started in (RunStarted.traceparent): its span's parent. */
  traceparent?: string;
  /** How often the run was rewound (only an ended run can be: each rewind follows an end). */
  rewinds: number;
  /** When the run was last rewound: where the stretch to its next end begins. */
  rewoundAt?: string;
  /** Number of events folded so far (handy for replay tests and caches). */
  eventCount: number;
}

/** Sums of the usage recorded on a run's step results. */
export interface Spent {
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
}

export const initialRunState = (runId: string): RunState => ({
  runId,
  status: 'new',
  workflow: '',
  version: 0,
  inputs: {},
  trigger: { kind: 'api' },
  owner: '',
  actor: '',
  debug: false,
  timeoutMs: 0,
  steps: {},
  depth: 0,
  activated: {},
  openCheckpoints: 0,
  parkedMs: 0,
  breakpoints: [],
  rewinds: 0,
  spent: { costUsd: 0, promptTokens: 0, completionTokens: 0 },
  eventCount: 0,
});

export const isTerminal = (status: RunStatus): boolean =>
  status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** The step has begun its current visit (absent or reset by a loop: not yet). */
export const hasBegun = (step: StepRuntime | undefined): step is StepRuntime =>
  step !== undefined && step.pending !== true;

/** Running, waiting for a retry, or waiting at a checkpoint. */
export const isActive = (step: StepRuntime | undefined): step is StepRuntime =>
  hasBegun(step) && (step.status === 'running' || step.retry !== undefined);

/** The step has finished its current visit, one way or the other. */
export const isStepDone = (step: StepRuntime | undefined): step is StepRuntime =>
  hasBegun(step) && step.status !== 'running' && step.retry === undefined;

export const isGroupKind = (kind: StepKindName | undefined): boolean =>
  kind === 'parallel' || kind === 'foreach';
