import type { TriggerInfo } from './run-events';

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
  | { kind: 'run-timeout' };

/** Sent by scheduling when a durable timer is due. */
export interface FireTimer {
  type: 'FireTimer';
  commandId: string;
  runId: string;
  timer: TimerPurpose;
  dueAt: string;
}

export type Command = StartRun | CancelRun | FireTimer;

/** Request/reply payloads of the registry. */
export interface PublishWorkflowRequest {
  source: string;
  contentType: 'yaml' | 'json';
  publishedBy: string;
  owner: string;
}
export interface RollbackWorkflowRequest {
  name: string;
  version: number;
  by: string;
}
