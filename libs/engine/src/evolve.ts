import type { CarriedStep, RunCommit, RunEvent, RunEventMap, Usage } from '@chainmail/contracts';
import { runTimeoutMessage } from './durations';
import { initialRunState, type RunState, type Spent, type StepRuntime } from './run-state';

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
        parent: d.parent,
        depth: d.depth ?? 0,
        ...(d.limits !== undefined ? { limits: d.limits } : {}),
        ...(d.vars !== undefined ? { vars: d.vars } : {}),
        ...debugSettings(d.debug, d.breakpoints),
        ...(d.forkedFrom !== undefined ? { forkedFrom: d.forkedFrom } : {}),
        ...(d.traceparent !== undefined ? { traceparent: d.traceparent } : {}),
        ...(d.carried !== undefined ? { steps: carriedSteps(d.carried, event.at) } : {}),
      };
    }
    case 'RunPaused': {
      const d = event.data;
      return park(
        { ...state, paused: { stepId: d.stepId, visit: d.visit, input: d.input, at: event.at } },
        event.at,
      );
    }
    case 'RunStepped':
    case 'RunResumed': {
      const d = event.data;
      if (state.paused === undefined) return state;
      const input = event.type === 'RunStepped' ? event.data.input : undefined;
      const released = { stepId: d.stepId, visit: d.visit, ...(input !== undefined ? { input } : {}) };
      const pauseMode = event.type === 'RunStepped' ? 'every' : 'breakpoints';
      return unpark({ ...state, paused: undefined, released, pauseMode }, event.at);
    }
    case 'RunPauseRequested':
      return { ...state, pauseMode: 'every' };
    case 'RunRewound':
      return rewound(state, event.data, event.at);
    case 'StepStarted': {
      const d = event.data;
      const base = state.released?.stepId === d.stepId ? { ...state, released: undefined } : state;
      const started: StepRuntime = {
        status: 'running',
        visit: d.visit,
        attempt: d.attempt,
        kind: d.kind ?? 'agent',
        agent: d.agent,
        input: d.input,
        startedAt: event.at,
      };
      if (d.workflow !== undefined) started.workflow = d.workflow;
      if (d.childRunId !== undefined) started.childRunId = d.childRunId;
      if (d.timeoutMs !== undefined) started.timeoutMs = d.timeoutMs;
      if (d.parent !== undefined) started.parent = d.parent;
      if (d.index !== undefined) started.index = d.index;
      if (d.items !== undefined) started.list = d.items;
      return withStep(notActivated(base, d.stepId), d.stepId, started);
    }
    case 'StepSucceeded': {
      const d = event.data;
      return closing(withSpent(state, d.usage), d.stepId, event.at, (prior) => ({
        ...prior,
        status: 'succeeded',
        visit: d.visit,
        attempt: d.attempt,
        output: d.output,
        items: d.items,
        usage: d.usage,
        error: undefined,
        endedAt: event.at,
        durationMs: d.durationMs,
      }));
    }
    case 'StepFailed': {
      const d = event.data;
      return closing(withSpent(state, d.usage), d.stepId, event.at, (prior) => ({
        ...prior,
        status: 'failed',
        visit: d.visit,
        attempt: d.attempt,
        error: d.error,
        endedAt: event.at,
        durationMs: d.durationMs,
      }));
    }
    case 'StepRetryScheduled': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return state;
      return withStep(state, d.stepId, { ...prior, retry: { attempt: d.attempt, dueAt: d.dueAt } });
    }
    case 'StepDeferred': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return state;
      return withStep(state, d.stepId, {
        ...prior,
        deferred: { deferral: d.deferral, dueAt: d.dueAt },
        deferrals: Math.max(prior.deferrals ?? 0, d.deferral),
      });
    }
    case 'StepResumed': {
      const prior = state.steps[event.data.stepId];
      if (prior === undefined) return state;
      return withStep(state, event.data.stepId, { ...prior, deferred: undefined });
    }
    case 'AgentMailSent': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined || prior.mail !== undefined) return state;
      const parked = state.openCheckpoints === 0 ? { parkedSince: event.at } : {};
      return {
        ...withStep(state, d.stepId, {
          ...prior,
          mail: { messageId: d.messageId, to: d.to, sentAt: event.at },
        }),
        ...parked,
        openCheckpoints: state.openCheckpoints + 1,
      };
    }
    case 'StepSkipped': {
      const d = event.data;
      return closing(notActivated(state, d.stepId), d.stepId, event.at, (prior) => ({
        ...prior,
        status: 'skipped',
        visit: d.visit,
        attempt: prior?.attempt ?? 0,
        skipReason: d.reason,
        skipCause: d.cause,
        retry: undefined,
        pending: undefined,
        endedAt: event.at,
      }));
    }
    case 'BranchTaken': {
      // A target already at work needs no activation (a loop back to it resets and activates it).
      const target = state.steps[event.data.target];
      if (target !== undefined && target.pending !== true) return { ...state };
      return { ...state, activated: { ...state.activated, [event.data.target]: true } };
    }
    case 'StepsReset': {
      const steps: Record<string, StepRuntime> = { ...state.steps };
      for (const id of event.data.stepIds) {
        const step = steps[id];
        if (step === undefined) continue;
        // A foreach item belongs to one visit of its foreach; the next visit makes its own.
        if (step.kind === 'item') delete steps[id];
        else steps[id] = { ...step, pending: true, retry: undefined };
      }
      return { ...state, steps, activated: { ...state.activated, [event.data.target]: true } };
    }
    case 'CheckpointOpened': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return state;
      const parked = state.openCheckpoints === 0 ? { parkedSince: event.at } : {};
      return {
        ...withStep(state, d.stepId, {
          ...prior,
          checkpoint: { message: d.message, openedAt: event.at, timeoutMs: d.timeoutMs },
        }),
        ...parked,
        openCheckpoints: state.openCheckpoints + 1,
      };
    }
    case 'CheckpointResolved': {
      const d = event.data;
      return closing(state, d.stepId, event.at, (prior) => ({
        ...prior,
        decision: { action: d.action, input: d.input, comment: d.comment, by: d.by },
      }));
    }
    case 'RunSucceeded':
      return { ...state, status: 'succeeded', output: event.data.output, endedAt: event.at };
    case 'RunFailed':
      return { ...state, status: 'failed', error: event.data.error, endedAt: event.at };
    case 'RunTimedOut': {
      const d = event.data;
      return {
        ...state,
        status: 'failed',
        error: {
          code: 'RUN_TIMEOUT',
          message: d.message ?? runTimeoutMessage(d.timeoutMs),
          retryable: true,
          stepId: d.stepId,
        },
        endedAt: event.at,
      };
    }
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

function notActivated(state: RunState, stepId: string): RunState {
  if (state.activated[stepId] === undefined) return state;
  const activated = { ...state.activated };
  delete activated[stepId];
  return { ...state, activated };
}

/** Adds a step result's usage to what the run has spent. */
function withSpent(state: RunState, usage: Usage | undefined): RunState {
  if (usage === undefined) return state;
  const spent: Spent = {
    costUsd: state.spent.costUsd + (usage.costUsd ?? 0),
    promptTokens: state.spent.promptTokens + (usage.promptTokens ?? 0),
    completionTokens: state.spent.completionTokens + (usage.completionTokens ?? 0),
  };
  return { ...state, spent };
}

/**
 * Applies a change to a step; when that closes the step's open wait (a checkpoint, an agent
 * mail), the run's parked time is brought up to date (such waits do not count against the run's
 * timeout).
 */
function closing(
  state: RunState,
  stepId: string,
  at: string,
  change: (prior: StepRuntime) => StepRuntime,
): RunState {
  const prior = state.steps[stepId] ?? ({ status: 'running', visit: 0, attempt: 0 } as StepRuntime);
  const next = withStep(state, stepId, {
    ...change(prior),
    checkpoint: undefined,
    mail: undefined,
    deferred: undefined,
  });
  if (prior.checkpoint === undefined && prior.mail === undefined) return next;
  const open = state.openCheckpoints - 1;
  if (open > 0) return { ...next, openCheckpoints: open };
  const since = state.parkedSince === undefined ? Date.parse(at) : Date.parse(state.parkedSince);
  return {
    ...next,
    openCheckpoints: 0,
    parkedSince: undefined,
    parkedMs: state.parkedMs + Math.max(0, Date.parse(at) - since),
  };
}

function debugSettings(debug: boolean, breakpoints: readonly string[] | undefined): Partial<RunState> {
  if (debug) return { pauseMode: 'every', breakpoints: breakpoints ?? [] };
  if (breakpoints !== undefined && breakpoints.length > 0) return { pauseMode: 'breakpoints', breakpoints };
  return {};
}

/** A forked run's steps at its start: the results it took over, as finished visits. */
function carriedSteps(
  carried: Readonly<Record<string, CarriedStep>>,
  at: string,
): Record<string, StepRuntime> {
  const steps: Record<string, StepRuntime> = {};
  for (const [id, c] of Object.entries(carried)) {
    steps[id] = {
      status: c.status,
      visit: 1,
      attempt: c.attempt,
      kind: c.kind ?? 'agent',
      ...(c.agent !== undefined ? { agent: c.agent } : {}),
      ...(c.input !== undefined ? { input: c.input } : {}),
      ...(c.output !== undefined ? { output: c.output } : {}),
      ...(c.items !== undefined ? { items: c.items } : {}),
      ...(c.error !== undefined ? { error: c.error } : {}),
      ...(c.skipReason !== undefined ? { skipReason: c.skipReason } : {}),
      ...(c.skipCause !== undefined ? { skipCause: c.skipCause } : {}),
      ...(c.parent !== undefined ? { parent: c.parent } : {}),
      startedAt: at,
      endedAt: at,
      durationMs: 0,
    };
  }
  return steps;
}

/** A wait for a person begins: while any is open, the run's own timeout does not run. */
function park(state: RunState, at: string): RunState {
  const parked = state.openCheckpoints === 0 ? { parkedSince: at } : {};
  return { ...state, ...parked, openCheckpoints: state.openCheckpoints + 1 };
}

function unpark(state: RunState, at: string): RunState {
  const open = state.openCheckpoints - 1;
  if (open > 0) return { ...state, openCheckpoints: open };
  const since = state.parkedSince === undefined ? Date.parse(at) : Date.parse(state.parkedSince);
  return {
    ...state,
    openCheckpoints: 0,
    parkedSince: undefined,
    parkedMs: state.parkedMs + Math.max(0, Date.parse(at) - since),
  };
}

/**
 * An ended run goes back to a step: the reset steps wait for their next visit (their last outputs
 * stay readable), the end is forgotten, and the time so far stops counting against the timeout.
 */
function rewound(state: RunState, data: RunEventMap['RunRewound'], at: string): RunState {
  const steps: Record<string, StepRuntime> = { ...state.steps };
  for (const id of data.resetStepIds) {
    const step = steps[id];
    if (step === undefined) continue;
    if (step.kind === 'item') delete steps[id];
    else
      steps[id] = {
        ...step,
        pending: true,
        retry: undefined,
        checkpoint: undefined,
        mail: undefined,
        deferred: undefined,
      };
  }
  const started = state.startedAt === undefined ? Date.parse(at) : Date.parse(state.startedAt);
  return {
    ...state,
    status: 'running',
    steps,
    activated: { ...state.activated, [data.toStep]: true },
    output: undefined,
    error: undefined,
    endedAt: undefined,
    paused: undefined,
    released: undefined,
    openCheckpoints: 0,
    parkedSince: undefined,
    parkedMs: Math.max(0, Date.parse(at) - started),
    timeoutMs: data.timeoutMs,
    rewinds: state.rewinds + 1,
  };
}

export const evolveAll = (state: RunState, events: readonly RunEvent[]): RunState =>
  events.reduce(evolve, state);

/** Folds a run's whole log (as commits) from the initial state. */
export function foldCommits(runId: string, commits: readonly RunCommit[]): RunState {
  let state = initialRunState(runId);
  for (const commit of commits) state = evolveAll(state, commit.events);
  return state;
}
