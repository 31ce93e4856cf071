import type {
  CarriedStep,
  CheckpointDecision,
  CheckpointVia,
  ForkOrigin,
  ParentRun,
  RunBudget,
  StepError,
  TriggerInfo,
  Usage,
} from './run-events';
import type { ListingVisibility, WorkflowOrigin } from './definition-events';

/*
 * One command vocabulary, from the edge to the engine. A command is `{type, data}` as the engine's
 * `decide` takes it; the same command on the COMMANDS stream (`commands.runs.*`) is that data
 * flattened under its type with the envelope `{commandId, runId}` (`Edge<…>` below), so the
 * shell turns one into the other without knowing any command's fields.
 */

/** The id a command is deduplicated under (`Nats-Msg-Id`) and the run it is for. */
export interface CommandEnvelope {
  commandId: string;
  runId: string;
}

export interface StartRunData extends CommandEnvelope {
  workflow: string;
  version: number;
  inputs: Record<string, unknown>;
  trigger: TriggerInfo;
  owner: string;
  actor: string;
  debug: boolean;
  /** A sub-workflow run: the parent step it reports to when it ends. */
  parent?: ParentRun;
  depth?: number;
  /** A sub-workflow run's share of its parent's budget. */
  limits?: RunBudget;
  /** The owner's variables as execution resolved them at the start (recorded in RunStarted). */
  vars?: Record<string, unknown>;
  /** Top-level steps to pause before (step-by-step debugging; `debug` pauses before every step). */
  breakpoints?: string[];
  /** A fork: the run, commit and step it starts from, and the earlier steps' results it takes over. */
  forkedFrom?: ForkOrigin;
  carried?: Record<string, CarriedStep>;
  /**
   * W3C traceparent of the span the run is started in (the trigger's), as the start command's
   * headers carried it; execution sets it, the engine records it in `RunStarted`.
   */
  traceparent?: string;
}

/** Debugging: run the step the run is paused before (`stepId`, `visit`), then pause before the next. */
export interface StepRunData {
  stepId: string;
  visit: number;
  /** Replaces the step's resolved input, for this visit's first attempt only. */
  input?: string;
  by: string;
}

/** Debugging: run the paused step and go on to the next breakpoint or the end. */
export interface ResumeRunData {
  stepId: string;
  visit: number;
  by: string;
}

/** Debugging: a running run pauses before its next top-level step, and before each after it. */
export interface PauseRunData {
  by: string;
}

/** Take an ended run back to a top-level step it reached, and continue it from there. */
export interface RewindRunData {
  toStep: string;
  by: string;
}

export interface CancelRunData {
  reason: string;
  by: string;
}

/** What a durable timer is for; its id is derived from these, so arming twice is harmless. */
export type TimerPurpose =
  | { kind: 'retry'; stepId: string; visit: number; attempt: number }
  | { kind: 'step-timeout'; stepId: string; visit: number; attempt: number }
  | { kind: 'run-timeout' }
  | { kind: 'checkpoint-timeout'; stepId: string; visit: number }
  /** A deferred attempt (its agent was busy) tries its call again. */
  | { kind: 'resume'; stepId: string; visit: number; attempt: number; deferral: number };

/** A durable timer is due (sent by scheduling). Stale timers decide nothing. */
export interface FireTimerData {
  timer: TimerPurpose;
  dueAt: string;
}

/** A person's decision at a checkpoint (`POST /v1/runs/:id/checkpoints/:step`). */
export interface ResolveCheckpointData {
  stepId: string;
  /** The visit decided on; absent: whichever visit is open. */
  visit?: number;
  action: CheckpointDecision;
  input?: string;
  comment?: string;
  by: string;
  via?: CheckpointVia;
}

/** What an agent call (or a child run) came back with, as the shell reports it to the engine. */
export type StepOutcome =
  | { ok: true; output: string; usage?: Usage; durationMs: number }
  /** `usage`: what a failed attempt spent anyway (a sub-workflow run that failed after model calls). */
  | { ok: false; error: StepError; durationMs: number; usage?: Usage };

export interface CompleteStepData {
  stepId: string;
  visit: number;
  attempt: number;
  outcome: StepOutcome;
}

/** The agent is at its concurrency limit: the attempt waits for a resume timer, no attempt used. */
export interface DeferStepData {
  stepId: string;
  visit: number;
  attempt: number;
  reason: string;
}

/** An email agent's mail went out (the shell sent it): the step waits for the reply. */
export interface RecordAgentMailData {
  stepId: string;
  visit: number;
  attempt: number;
  messageId: string;
  to: string;
  subject: string;
}

/** The reply to an agent mail, already stripped of quotes and signature. */
export interface ReceiveAgentReplyData {
  stepId: string;
  visit: number;
  attempt: number;
  from: string;
  /** The reply's own Message-ID. */
  messageId?: string;
  output: string;
}

/** Every command a run's decider takes. */
export type RunCommand =
  | { type: 'StartRun'; data: StartRunData }
  | { type: 'CancelRun'; data: CancelRunData }
  | { type: 'FireTimer'; data: FireTimerData }
  | { type: 'ResolveCheckpoint'; data: ResolveCheckpointData }
  | { type: 'CompleteStep'; data: CompleteStepData }
  | { type: 'DeferStep'; data: DeferStepData }
  | { type: 'RecordAgentMail'; data: RecordAgentMailData }
  | { type: 'ReceiveAgentReply'; data: ReceiveAgentReplyData }
  | { type: 'StepRun'; data: StepRunData }
  | { type: 'ResumeRun'; data: ResumeRunData }
  | { type: 'PauseRun'; data: PauseRunData }
  | { type: 'RewindRun'; data: RewindRunData };

export type RunCommandType = RunCommand['type'];
export type RunCommandOf<T extends RunCommandType> = Extract<RunCommand, { type: T }>;

/** A command as sent on `commands.runs.*`: its data flattened under its type, with the envelope. */
export type Edge<T extends RunCommandType> = { type: T } & CommandEnvelope & RunCommandOf<T>['data'];

export type StartRun = Edge<'StartRun'>;
export type CancelRun = Edge<'CancelRun'>;
export type FireTimer = Edge<'FireTimer'>;
export type ResolveCheckpoint = Edge<'ResolveCheckpoint'>;
export type StepRun = Edge<'StepRun'>;
export type ResumeRun = Edge<'ResumeRun'>;
export type PauseRun = Edge<'PauseRun'>;
export type RewindRun = Edge<'RewindRun'>;

/**
 * A reply to an email agent's mail, matched by ingress (`In-Reply-To`/`References` naming the
 * agent mail's Message-ID, sent from the agent's mailbox): `ReceiveAgentReply` as received, its
 * `text` not yet stripped of quoted history and signature (execution does that, then decides).
 */
export type CompleteAgentMail = { type: 'CompleteAgentMail' } & CommandEnvelope &
  Omit<ReceiveAgentReplyData, 'output'> & { text: string };

/** What the COMMANDS stream carries: the commands that come from outside a run's own shell. */
export type Command =
  | StartRun
  | CancelRun
  | FireTimer
  | ResolveCheckpoint
  | CompleteAgentMail
  | StepRun
  | ResumeRun
  | PauseRun
  | RewindRun;

/** Request/reply payloads of the registry. */
export interface PublishWorkflowRequest {
  source: string;
  contentType: 'yaml' | 'json';
  publishedBy: string;
  /** The owner a new workflow gets; a later version keeps its workflow's owner. */
  owner: string;
  /** Owners the publisher may publish for (editor or owner); absent: a trusted caller (the examples). */
  publishFor?: string[];
  /** Owners whose objects the publisher sees: a name of one of them it may not publish over is 403, not 409. */
  visibleTo?: string[];
  /** An install or update from the marketplace: recorded on the version. */
  origin?: WorkflowOrigin;
}

/** `registry.listings.publish`: the edge has checked the caller may publish the workflow. */
export interface PublishListingRequest {
  workflow: string;
  workflowVersion: number;
  visibility: ListingVisibility;
  team?: string;
  title: string;
  description: string;
  tags: string[];
  by: string;
}
/** `registry.listings.unpublish` and `registry.listings.star`. */
export interface UnpublishListingRequest {
  id: string;
  by: string;
}
export interface StarListingRequest {
  id: string;
  user: string;
  starred: boolean;
}
/** `registry.schedules.pause`: the edge has checked the caller may change the workflow. */
export interface PauseScheduleRequest {
  name: string;
  schedule: string;
  paused: boolean;
  by: string;
}
export interface RollbackWorkflowRequest {
  name: string;
  version: number;
  by: string;
}
