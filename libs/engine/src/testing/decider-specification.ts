import { AssertionError, deepStrictEqual } from 'node:assert/strict';
import type { RunEvent, RunEventMap, RunEventType, WorkflowDefinition } from '@chainmail/contracts';
import {
  decide,
  evolveAll,
  initialRunState,
  type AgentFacts,
  type RunCommand,
  type RunState,
} from '@chainmail/engine';
import { T0 } from './run-script';

/**
 * Specifications of the decider, read as rules: given these events (the run so far), when this
 * command is decided, then these events (or a failure with this code, or nothing). Plain
 * functions and `node:assert`: no test framework inside, no IO.
 *
 *   spec(definition)
 *     .given([runStarted(...), stepStarted('research', ...)])
 *     .when(complete('research', ok('findings')))
 *     .then(['StepSucceeded:research', { type: 'StepStarted', data: { stepId: 'summarize' } }]);
 */

type DeepPartial<T> = T extends readonly unknown[]
  ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * One expected event: `'Type'` or `'Type:stepId'` (`'BranchTaken:switch->target'`) when its data
 * does not matter, else its type and the part of its data the rule is about.
 */
export type ExpectedEvent =
  string | { [K in RunEventType]: { type: K; data?: DeepPartial<RunEventMap[K]> } }[RunEventType];

export interface SpecOptions {
  runId?: string;
  /** What the agent directory says of each address (the shell's `agents` lookup). */
  agents?: Record<string, AgentFacts>;
}

export function spec(definition: WorkflowDefinition, options: SpecOptions = {}): DeciderSpecification {
  return new DeciderSpecification(definition, options.runId ?? 'run-1', options.agents ?? {});
}

export class DeciderSpecification {
  constructor(
    readonly definition: WorkflowDefinition,
    readonly runId: string,
    readonly agents: Record<string, AgentFacts>,
  ) {}

  /** The run so far: its events in order (none: a new run). */
  given(events: readonly RunEvent[] = []): Given {
    return new Given(this, evolveAll(initialRunState(this.runId), events), events);
  }
}

export class Given {
  constructor(
    private readonly specification: DeciderSpecification,
    /** The state the given events fold into. */
    readonly state: RunState,
    readonly events: readonly RunEvent[],
  ) {}

  /** Decides `command` at `now` (default: a second after the last given event, or T0). */
  when(command: RunCommand, now?: number): Decided {
    const last = this.events.at(-1);
    const at = now ?? (last === undefined ? T0 : Date.parse(last.at) + 1000);
    const { definition, agents } = this.specification;
    const events = decide(command, this.state, {
      definition,
      now: at,
      agents: (address) => agents[address],
    });
    return new Decided(
      this.specification,
      evolveAll(this.state, events),
      [...this.events, ...events],
      events,
    );
  }
}

export class Decided {
  constructor(
    private readonly specification: DeciderSpecification,
    /** The state after the decision's events. */
    readonly state: RunState,
    /** Every event so far: the given ones, then the decision's. */
    readonly history: readonly RunEvent[],
    /** What the decision emitted. */
    readonly events: RunEvent[],
  ) {}

  /** The decision emitted exactly these events, in this order (each as much as it says). */
  then(expected: readonly ExpectedEvent[]): this {
    const actual = this.events.map((event, i) => {
      const want = expected[i];
      if (want === undefined || typeof want === 'string') return label(event);
      return { type: event.type, ...(want.data !== undefined ? { data: pick(event.data, want.data) } : {}) };
    });
    deepStrictEqual(actual, [...expected], `the decision emitted ${describe(this.events)}`);
    return this;
  }

  /** The decision failed a step or the run with this error code (the step's, when given). */
  thenFails(code: string, stepId?: string): this {
    const failed = this.events.some((event) => {
      if (event.type === 'StepFailed')
        return event.data.error.code === code && (stepId === undefined || event.data.stepId === stepId);
      if (event.type === 'RunFailed')
        return event.data.error.code === code && (stepId === undefined || event.data.error.stepId === stepId);
      return false;
    });
    if (!failed)
      throw new AssertionError({
        message: `expected a failure ${code}${stepId ? ` of ${stepId}` : ''}; the decision emitted ${describe(this.events)}`,
        actual: this.events,
        expected: { code, stepId },
      });
    return this;
  }

  /** The command no longer applies: no events, so a redelivery changes nothing. */
  thenNothing(): this {
    deepStrictEqual(this.events.map(label), [], 'expected no events');
    return this;
  }

  /** The next command, on top of everything so far. */
  and(command: RunCommand, now?: number): Decided {
    return new Given(this.specification, this.state, this.history).when(command, now);
  }

  /** The data of the decision's first event of this type (and step), for a closer look. */
  dataOf<K extends RunEventType>(type: K, stepId?: string): RunEventMap[K] {
    const event = this.events.find(
      (e) => e.type === type && (stepId === undefined || (e.data as { stepId?: string }).stepId === stepId),
    );
    if (event === undefined)
      throw new AssertionError({
        message: `no ${type}${stepId ? ` of ${stepId}` : ''} among ${describe(this.events)}`,
      });
    return event.data as RunEventMap[K];
  }
}

/** `Type:stepId` for step events, the type alone for run events. */
export function label(event: RunEvent): string {
  const data = event.data as { stepId?: string; target?: string };
  if (event.type === 'BranchTaken') return `BranchTaken:${data.stepId}->${data.target}`;
  return data.stepId === undefined ? event.type : `${event.type}:${data.stepId}`;
}

function describe(events: readonly RunEvent[]): string {
  return events.length === 0 ? 'nothing' : `[${events.map(label).join(', ')}]`;
}

/** The part of `actual` that `expected` names, so a deep comparison checks only what is said. */
function pick(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual))
    return actual.map((item, i) => (i < expected.length ? pick(item, expected[i]) : item));
  if (isRecord(expected) && isRecord(actual)) {
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) picked[key] = pick(actual[key], expected[key]);
    return picked;
  }
  return actual;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
