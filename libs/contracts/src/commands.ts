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

export type Command = StartRun | CancelRun;

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
