import type { CheckpointDecision, TimerPurpose, WorkflowDefinition } from '@chainmail/contracts';
import { isTerminal } from '@chainmail/engine';
import { failure, ok, RunScript } from './run-script';

/**
 * A small pure world around the engine for property tests: it answers each started agent call
 * or child run with an outcome, fires due (and some stale) timers, decides checkpoints — picking
 * among whatever the run waits for with a seeded generator — until the run ends or a bound is hit.
 */

export interface Simulation {
  script: RunScript;
  /** Commands decided (the run's length). */
  commands: number;
  /** The run was still running with nothing left that could move it. */
  stalled: boolean;
}

type Action =
  | { kind: 'complete'; stepId: string }
  | { kind: 'timer'; timer: TimerPurpose; afterMs: number }
  | { kind: 'decide'; stepId: string };

export function simulate(definition: WorkflowDefinition, seed: number, maxCommands = 600): Simulation {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const script = new RunScript(definition, `sim-${seed >>> 0}`);
  script.start({ user_input: 'simulated' });
  let commands = 1;
  while (!isTerminal(script.state.status) && commands < maxCommands) {
    const actions = available(script);
    if (actions.length === 0) return { script, commands, stalled: true };
    const action = pick(actions);
    commands++;
    switch (action.kind) {
      case 'complete': {
        const roll = random();
        const outcome =
          roll < 0.6
            ? ok(`out-${commands}`)
            : roll < 0.85
              ? failure('AGENT_FAILED', true)
              : failure('AGENT_BAD_INPUT', false);
        script.complete(action.stepId, outcome, {}, 1 + Math.floor(random() * 2000));
        break;
      }
      case 'timer':
        script.fire(action.timer, action.afterMs);
        break;
      case 'decide': {
        const decision = pick<CheckpointDecision>(['approve', 'approve', 'edit', 'reject']);
        script.resolve(action.stepId, decision, decision === 'edit' ? { input: `edit-${commands}` } : {});
        break;
      }
    }
    // Now and then a timer that no longer applies: it must decide nothing.
    if (random() < 0.1) {
      const ids = Object.keys(script.state.steps);
      if (ids.length > 0) {
        const stepId = pick(ids);
        const before = script.state;
        const stale = script.fire({ kind: 'retry', stepId, visit: 99, attempt: 99 }, 0);
        if (stale.length > 0 || script.state !== before)
          throw new Error(`a stale timer for ${stepId} decided something`);
      }
    }
  }
  return { script, commands, stalled: false };
}

/** Everything the run is waiting for right now. */
function available(script: RunScript): Action[] {
  const actions: Action[] = [];
  for (const [stepId, step] of Object.entries(script.state.steps)) {
    if (step.pending === true) continue;
    const calls = step.kind === 'agent' || step.kind === 'workflow' || step.kind === 'item';
    if (step.status === 'running' && calls)
      actions.push({ kind: 'complete', stepId }, { kind: 'complete', stepId });
    if (step.status === 'running' && step.timeoutMs !== undefined) {
      const timer: TimerPurpose = { kind: 'step-timeout', stepId, visit: step.visit, attempt: step.attempt };
      actions.push({ kind: 'timer', timer, afterMs: step.timeoutMs });
    }
    if (step.retry !== undefined) {
      const timer: TimerPurpose = { kind: 'retry', stepId, visit: step.visit, attempt: step.retry.attempt };
      actions.push({ kind: 'timer', timer, afterMs: Math.max(0, Date.parse(step.retry.dueAt) - script.now) });
    }
    if (step.checkpoint !== undefined) {
      actions.push({ kind: 'decide', stepId }, { kind: 'decide', stepId });
      actions.push({
        kind: 'timer',
        timer: { kind: 'checkpoint-timeout', stepId, visit: step.visit },
        afterMs: 1000,
      });
    }
  }
  if (actions.length > 0 && script.log.length % 7 === 0) {
    actions.push({ kind: 'timer', timer: { kind: 'run-timeout' }, afterMs: 60_000 });
  }
  return actions;
}

/** A tiny seeded generator: the simulation is a function of its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
