import fc from 'fast-check';
import { stepGraph } from '@chainmail/workflow-dsl';
import type { RunEvent, ErrorPolicy, RetryPolicy, Step, WorkflowDefinition } from '@chainmail/contracts';
import { evolve, evolveAll, foldCommits } from './evolve';
import { initialRunState, type RunState } from './run-state';
import { simulate } from './testing/simulator';

/**
 * Random step graphs run against a simulated world with random outcomes. Whatever happens, a run
 * ends, each step ends once per visit, the log folds to the same state, and a skipped or failed
 * step's (written) dependants do not run unless its on_error is continue.
 */

interface Shape {
  kind: 'agent' | 'parallel' | 'foreach' | 'switch' | 'checkpoint' | 'workflow';
  explicit: boolean;
  needPicks: number[];
  condition: 'none' | 'true' | 'false' | 'earlier';
  onError: 'abort' | 'skip' | 'continue' | 'goto';
  gotoPick: number;
  retry: number;
  timeout: boolean;
  branches: number;
  items: number;
  concurrency: number;
  maxVisits: number;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  kind: fc.constantFrom('agent', 'agent', 'agent', 'parallel', 'foreach', 'switch', 'checkpoint', 'workflow'),
  explicit: fc.boolean(),
  needPicks: fc.array(fc.nat(), { maxLength: 2 }),
  condition: fc.constantFrom('none', 'none', 'none', 'true', 'false', 'earlier'),
  onError: fc.constantFrom('abort', 'skip', 'continue', 'goto'),
  gotoPick: fc.nat(),
  retry: fc.nat({ max: 2 }),
  timeout: fc.boolean(),
  branches: fc.integer({ min: 1, max: 3 }),
  items: fc.integer({ min: -1, max: 4 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  maxVisits: fc.integer({ min: 1, max: 3 }),
});

function definitionFrom(shapes: Shape[]): WorkflowDefinition {
  const ids = shapes.map((_, i) => `s${i}`);
  const steps = shapes.map((s, i): Step => {
    const id = ids[i];
    const earlier = ids.slice(0, i);
    const retry: RetryPolicy | undefined =
      s.retry === 0
        ? undefined
        : { max: s.retry, backoff: 'exponential', delayMs: 1000, maxDelayMs: 4000, jitter: true };
    const explicit = s.explicit && earlier.length > 0;
    const needs = explicit
      ? [...new Set(s.needPicks.map((p) => earlier[p % earlier.length]))]
      : earlier.length > 0
        ? [earlier[earlier.length - 1]]
        : [];
    const others = ids.filter((other) => other !== id);
    let onError: ErrorPolicy = { kind: s.onError === 'goto' ? 'abort' : s.onError };
    if (s.onError === 'goto' && others.length > 0)
      onError = { kind: 'goto', step: others[s.gotoPick % others.length] };
    const condition =
      s.condition === 'none'
        ? undefined
        : s.condition === 'earlier'
          ? earlier.length > 0
            ? `{{ ${earlier[s.gotoPick % earlier.length]}.success }}`
            : undefined
          : `{{ ${s.condition} }}`;
    const common = {
      id,
      needs,
      needsDeclared: explicit,
      onError,
      maxVisits: s.maxVisits,
      ...(condition !== undefined ? { condition } : {}),
      ...(s.timeout ? { timeoutMs: 30_000 } : {}),
    };
    const later = ids.slice(i + 1);
    switch (s.kind) {
      case 'parallel':
        return {
          ...common,
          kind: 'parallel',
          branches: Array.from({ length: s.branches }, (_, b) => ({
            id: `${id}b${b}`,
            kind: 'agent' as const,
            agent: 'echo@',
            needs: [],
            onError: { kind: b === 0 ? 'abort' : 'skip' } as ErrorPolicy,
            maxVisits: 10,
            ...(retry !== undefined ? { retry } : {}),
          })),
        };
      case 'foreach':
        return {
          ...common,
          kind: 'foreach',
          items:
            s.items < 0
              ? '{{ "not a list" }}'
              : `{{ [${Array.from({ length: s.items }, (_, k) => k).join(',')}] }}`,
          as: 'item',
          concurrency: s.concurrency,
          input: 'item {{ item }} #{{ item_index }}',
          body: { kind: 'agent', agent: 'echo@' },
          ...(retry !== undefined ? { retry } : {}),
        };
      case 'switch':
        if (later.length > 0) {
          return {
            ...common,
            kind: 'switch',
            cases: [
              {
                when: `{{ ${earlier.length > 0 ? `${earlier[0]}.success` : 'true'} }}`,
                isDefault: false,
                goto: later[s.gotoPick % later.length],
              },
              { isDefault: true, goto: later[(s.gotoPick + 1) % later.length] },
            ],
          };
        }
        return { ...common, kind: 'agent', agent: 'echo@' };
      case 'checkpoint':
        return {
          ...common,
          kind: 'checkpoint',
          message: 'ok?',
          actions: {
            approve: { kind: 'continue' },
            reject: { kind: 'abort' },
            edit:
              earlier.length > 0
                ? { kind: 'goto', step: earlier[s.gotoPick % earlier.length] }
                : { kind: 'continue' },
          },
        };
      case 'workflow':
        return {
          ...common,
          kind: 'workflow',
          workflow: 'child',
          input: 'x',
          ...(retry !== undefined ? { retry } : {}),
        };
      default:
        return {
          ...common,
          kind: 'agent',
          agent: 'echo@',
          input: `in ${id}`,
          ...(retry !== undefined ? { retry } : {}),
        };
    }
  });
  return {
    name: 'random',
    triggers: [],
    inputs: [],
    vars: {},
    steps,
    output: { format: 'none' },
    timeoutMs: 120_000,
    mode: 'async',
  };
}

const runs = fc.record({ shapes: fc.array(shape, { minLength: 1, maxLength: 7 }), seed: fc.integer() });

it('every random run ends, ends each step once per visit, folds the same and honours data edges', () => {
  fc.assert(
    fc.property(runs, ({ shapes, seed }) => {
      const definition = definitionFrom(shapes);
      const { script, stalled, commands } = simulate(definition, seed);
      expect(stalled).toBe(false);
      expect(commands).toBeLessThan(600);
      expect(['succeeded', 'failed', 'cancelled']).toContain(script.state.status);

      const events = script.events;
      expectOneEndPerVisit(events);
      expect(
        foldCommits(
          script.runId,
          script.log.map((entry, i) => ({ runId: script.runId, prev: i, events: entry.events })),
        ),
      ).toEqual(script.state);
      expectDataEdgesHonoured(definition, events, script.runId);
      expectCommitFoldsPure(script.runId, script.log);
      // After the end, nothing decides anything.
      expect(script.cancel()).toEqual([]);
    }),
    { numRuns: 300 },
  );
});

function expectOneEndPerVisit(events: RunEvent[]): void {
  const ended = new Map<string, string>();
  const started = new Set<string>();
  for (const event of events) {
    const d = event.data as { stepId?: string; visit?: number; attempt?: number };
    if (event.type === 'StepStarted') {
      const key = `${d.stepId}#${d.visit}#${d.attempt}`;
      expect(started.has(key)).toBe(false);
      started.add(key);
    }
    if (event.type !== 'StepSucceeded' && event.type !== 'StepSkipped') continue;
    const key = `${d.stepId}#${d.visit}`;
    const earlier = ended.get(key);
    // A success is final; a skip may only follow a failure of the same visit (on_error: skip).
    expect(earlier).toBeUndefined();
    ended.set(key, event.type);
  }
}

/** Each commit folds at once as event by event, and the state it was folded onto stays as it was. */
function expectCommitFoldsPure(runId: string, log: readonly { events: RunEvent[] }[]): void {
  let state: RunState = initialRunState(runId);
  for (const { events } of log) {
    const before = structuredClone(state);
    const folded = evolveAll(state, events);
    expect(folded).toStrictEqual(events.reduce(evolve, before));
    expect(state).toStrictEqual(before);
    state = folded;
  }
}

/** Replays the log event by event and checks each top-level start against the needs it has then. */
function expectDataEdgesHonoured(definition: WorkflowDefinition, events: RunEvent[], runId: string): void {
  const graph = stepGraph(definition);
  let state: RunState = initialRunState(runId);
  for (const event of events) {
    const beginsVisit = event.type === 'StepStarted' && event.data.attempt === 1;
    if (beginsVisit && graph.parentOf(event.data.stepId) === undefined) {
      const step = graph.find(event.data.stepId);
      if (step !== undefined && state.activated[step.id] === undefined) {
        const explicit = graph.explicitNeeds(step);
        let notTaken = 0;
        for (const need of explicit) {
          const runtime = state.steps[need];
          if (runtime?.status === 'failed') expect(graph.find(need)?.onError.kind).toBe('continue');
          if (runtime?.status === 'skipped') {
            expect(runtime.skipCause).toBe('branch');
            notTaken++;
          }
        }
        if (explicit.length > 0) expect(notTaken).toBeLessThan(explicit.length);
      }
    }
    state = evolve(state, event);
  }
}
