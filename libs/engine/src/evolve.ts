import type { RunCommit, RunEvent } from '@chainmail/contracts';
import { initialRunState, type RunState, type StepRuntime } from './run-state';

/** Folds one event into the run's state. Pure; unknown events leave the state as it is. */
export function evolve(state: RunState, event: RunEvent): RunState {
  const next = applyEvent(state, event);
  return next === state ? state : { ...next, eventCount: state.eventCount + 1 };
}

function applyEvent(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'RunStarted': {
      const d = event.data;
      return {
        ...state,
        status: 'running',
        workflow: d.workflow,
        version: d.version,
        inputs: d.inputs,
        trigger: d.trigger,
        owner: d.owner,
        actor: d.actor,
        debug: d.debug,
        timeoutMs: d.timeoutMs,
        startedAt: event.at,
      };
    }
    case 'StepStarted': {
      const d = event.data;
      return withStep(state, d.stepId, {
        status: 'running',
        visit: d.visit,
        attempt: d.attempt,
        agent: d.agent,
        input: d.input,
        startedAt: event.at,
      });
    }
    case 'StepSucceeded': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      return withStep(state, d.stepId, {
        ...prior,
        status: 'succeeded',
        visit: d.visit,
        attempt: d.attempt,
        output: d.output,
        usage: d.usage,
        error: undefined,
        endedAt: event.at,
        durationMs: d.durationMs,
      });
    }
    case 'StepFailed': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      return withStep(state, d.stepId, {
        ...prior,
        status: 'failed',
        visit: d.visit,
        attempt: d.attempt,
        error: d.error,
        endedAt: event.at,
        durationMs: d.durationMs,
      });
    }
    case 'StepSkipped': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      return withStep(state, d.stepId, {
        ...prior,
        status: 'skipped',
        visit: d.visit,
        attempt: prior?.attempt ?? 0,
        skipReason: d.reason,
        endedAt: event.at,
      });
    }
    case 'RunSucceeded':
      return { ...state, status: 'succeeded', output: event.data.output, endedAt: event.at };
    case 'RunFailed':
      return { ...state, status: 'failed', error: event.data.error, endedAt: event.at };
    case 'RunCancelled':
      return {
        ...state,
        status: 'cancelled',
        error: { code: 'RUN_CANCELLED', message: event.data.reason, retryable: false },
        endedAt: event.at,
      };
    default:
      return state;
  }
}

function withStep(state: RunState, stepId: string, step: StepRuntime): RunState {
  return { ...state, steps: { ...state.steps, [stepId]: step } };
}

export const evolveAll = (state: RunState, events: readonly RunEvent[]): RunState => events.reduce(evolve, state);

/** Folds a run's whole log (as commits) from the initial state. */
export function foldCommits(runId: string, commits: readonly RunCommit[]): RunState {
  let state = initialRunState(runId);
  for (const commit of commits) state = evolveAll(state, commit.events);
  return state;
}
