import type { CheckpointDecision, ParentRun, RunBudget, TriggerInfo } from './run-events';

/** Commands: imperative, carried on `commands.*` with their id as `Nats-Msg-Id`. */
export interface StartRun {
  type: 'StartRun';
  commandId: string;
  runId: string;
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
}

export interface CancelRun {
  type: 'CancelRun';
  commandId: string;
  runId: string;
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

/** Sent by scheduling when a durable timer is due. */
export interface FireTimer {
  type: 'FireTimer';
  commandId: string;
  runId: string;
  timer: TimerPurpose;
  dueAt: string;
}

/** A person's decision at a checkpoint (`POST /v1/runs/:id/checkpoints/:step`). */
export interface ResolveCheckpoint {
  type: 'ResolveCheckpoint';
  commandId: string;
  runId: string;
  stepId: string;
  /** The visit decided on; absent: whichever visit is open. */
  visit?: number;
  action: CheckpointDecision;
  input?: string;
  comment?: string;
  by: string;
}

/**
 * A reply to an email agent's mail, matched by ingress (`In-Reply-To`/`References` naming the
 * agent mail's Message-ID, sent from the agent's mailbox). `text` is the reply as received;
 * execution strips quoted history and signatures before it becomes the step's output.
 */
export interface CompleteAgentMail {
  type: 'CompleteAgentMail';
  commandId: string;
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
  from: string;
  /** The reply's own Message-ID. */
  messageId?: string;
  text: string;
}

export type Command = StartRun | CancelRun | FireTimer | ResolveCheckpoint | CompleteAgentMail;

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
}
export interface RollbackWorkflowRequest {
  name: string;
  version: number;
  by: string;
}
