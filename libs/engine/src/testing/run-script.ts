import type {
  CheckpointDecision,
  RunEvent,
  StartRun,
  TimerPurpose,
  WorkflowDefinition,
} from '@chainmail/contracts';
import {
  decide,
  evolveAll,
  initialRunState,
  type AgentFacts,
  type RunCommand,
  type RunState,
  type StepOutcome,
  type StepRuntime,
} from '@chainmail/engine';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { cancel, complete, fire, resolve, start } from './commands';
import { T0 } from './clock';

/**
 * Drives the engine in tests the way the shell does: each command is decided against the state
 * so far and its events folded in; time moves on by `stepMs` per command (or as told).
 */

export { T0 };

/** Parses a YAML definition as the registry would (every agent address is known). */
export function definitionOf(yaml: string): WorkflowDefinition {
  const parsed = parseWorkflow(yaml, { knownAgents: () => true });
  if (!parsed.ok) throw new Error(`invalid test workflow: ${JSON.stringify(parsed.errors, null, 2)}`);
  return parsed.definition;
}

export const ok = (output: string, durationMs = 5): StepOutcome => ({ ok: true, output, durationMs });
export const failure = (code: string, retryable: boolean, message = `${code} happened`): StepOutcome => ({
  ok: false,
  error: { code, message, retryable },
  durationMs: 5,
});

export interface Recorded {
  command: RunCommand;
  now: number;
  events: RunEvent[];
}

export class RunScript {
  state: RunState;
  now: number;
  readonly log: Recorded[] = [];
  /** What the directory says of each agent (the shell's `agents` lookup); absent: nothing. */
  agents: Record<string, AgentFacts> = {};

  constructor(
    readonly definition: WorkflowDefinition,
    readonly runId = 'run-1',
    start = T0,
    readonly stepMs = 10,
  ) {
    this.state = initialRunState(runId);
    this.now = start;
  }

  /** Decides `command` now (after `elapseMs`), folds and records the events, and returns them. */
  when(command: RunCommand, elapseMs = this.stepMs): RunEvent[] {
    this.now += elapseMs;
    const events = decide(command, this.state, {
      definition: this.definition,
      now: this.now,
      agents: (address) => this.agents[address],
    });
    this.state = evolveAll(this.state, events);
    this.log.push({ command, now: this.now, events });
    return events;
  }

  start(inputs: Record<string, unknown> = {}, extra: Partial<StartRun> = {}): RunEvent[] {
    return this.when(start(this.definition, inputs, { runId: this.runId, ...extra }));
  }

  /** The result of the step's running attempt (or of the visit/attempt given). */
  complete(
    stepId: string,
    outcome: StepOutcome,
    at: { visit?: number; attempt?: number } = {},
    elapseMs?: number,
  ): RunEvent[] {
    const step = this.state.steps[stepId];
    const attempt = { visit: at.visit ?? step?.visit ?? 1, attempt: at.attempt ?? step?.attempt ?? 1 };
    return this.when(complete(stepId, outcome, attempt), elapseMs);
  }

  succeed(stepId: string, output: string, elapseMs?: number): RunEvent[] {
    return this.complete(stepId, ok(output), {}, elapseMs);
  }

  fail(stepId: string, code = 'AGENT_FAILED', retryable = false): RunEvent[] {
    return this.complete(stepId, failure(code, retryable));
  }

  fire(timer: TimerPurpose, elapseMs?: number): RunEvent[] {
    return this.when(fire(timer, new Date(this.now).toISOString()), elapseMs);
  }

  resolve(
    stepId: string,
    action: CheckpointDecision,
    extra: { input?: string; comment?: string; visit?: number; by?: string } = {},
    elapseMs?: number,
  ): RunEvent[] {
    return this.when(resolve(stepId, action, extra), elapseMs);
  }

  cancel(): RunEvent[] {
    return this.when(cancel());
  }

  step(id: string): StepRuntime {
    const step = this.state.steps[id];
    if (step === undefined) throw new Error(`step ${id} has not begun`);
    return step;
  }

  /** Every event so far, in order. */
  get events(): RunEvent[] {
    return this.log.flatMap((entry) => entry.events);
  }
}
