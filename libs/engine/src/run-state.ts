import type { StepError, TriggerInfo, Usage } from '@chainmail/contracts';

/** The state of one run, folded from its events by `evolve`. Plain data: cacheable, comparable. */

export type RunStatus = 'new' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepRuntime {
  status: StepStatus;
  visit: number;
  attempt: number;
  agent?: string;
  input?: string;
  output?: string;
  error?: StepError;
  usage?: Usage;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  skipReason?: string;
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
  /** Steps that have started at least once, by id. Absent = not reached yet. */
  steps: Readonly<Record<string, StepRuntime>>;
  output?: string;
  error?: StepError & { stepId?: string };
  /** Number of events folded so far (handy for replay tests and caches). */
  eventCount: number;
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
  eventCount: 0,
});

export const isTerminal = (status: RunStatus): boolean =>
  status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** A step that has finished its current visit, one way or the other. */
export const isStepDone = (step: StepRuntime | undefined): boolean =>
  step !== undefined && step.status !== 'running';
