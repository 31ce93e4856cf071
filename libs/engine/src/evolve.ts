import type { CarriedStep, RunCommit, RunEvent, RunEventMap, Usage } from '@chainmail/contracts';
import { runTimeoutMessage } from './durations';
import { initialRunState, type RunState, type Spent, type StepRuntime } from './run-state';

/** What one event changes in the run's state: the fields it sets, each a new value. */
type Change = Partial<RunState>;

/**
 * Folds one event into the run's state. Pure; unknown events leave the state as it is. The state
 * is copied once per event (the change's fields laid over it), and so is the steps map when a
 * step changes: folding is on every commit's path, several times per commit.
 */
export function evolve(state: RunState, event: RunEvent): RunState {
  const change = changeOf(state, event);
  return change === undefined ? state : { ...state, ...change, eventCount: state.eventCount + 1 };
}

/** The fields `event` changes; undefined when it changes nothing (not even the event count). */
function changeOf(state: RunState, event: RunEvent): Change | undefined {
  switch (event.type) {
    case 'RunStarted': {
      const d = event.data;
      return {
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
      return {
        paused: { stepId: d.stepId, visit: d.visit, input: d.input, at: event.at },
        ...park(state, event.at),
      };
    }
    case 'RunStepped':
    case 'RunResumed': {
      const d = event.data;
      if (state.paused === undefined) return undefined;
      const input = event.type === 'RunStepped' ? event.data.input : undefined;
      const released = { stepId: d.stepId, visit: d.visit, ...(input !== undefined ? { input } : {}) };
      const pauseMode = event.type === 'RunStepped' ? 'every' : 'breakpoints';
      return { paused: undefined, released, pauseMode, ...unpark(state, event.at) };
    }
    case 'RunPauseRequested':
      return { pauseMode: 'every' };
    case 'RunRewound':
      return rewound(state, event.data, event.at);
    case 'StepStarted': {
      const d = event.data;
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
      const change: Change = { steps: withStep(state.steps, d.stepId, started) };
      if (state.released?.stepId === d.stepId) change.released = undefined;
      return notActivated(state, d.stepId, change);
    }
    case 'StepSucceeded': {
      const d = event.data;
      const change = closing(state, d.stepId, event.at, (prior) => ({
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
      return withSpent(state, d.usage, change);
    }
    case 'StepFailed': {
      const d = event.data;
      const change = closing(state, d.stepId, event.at, (prior) => ({
        ...prior,
        status: 'failed',
        visit: d.visit,
        attempt: d.attempt,
        error: d.error,
        endedAt: event.at,
        durationMs: d.durationMs,
      }));
      return withSpent(state, d.usage, change);
    }
    case 'StepRetryScheduled': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return undefined;
      return {
        steps: withStep(state.steps, d.stepId, { ...prior, retry: { attempt: d.attempt, dueAt: d.dueAt } }),
      };
    }
    case 'StepDeferred': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return undefined;
      const deferred: StepRuntime = {
        ...prior,
        deferred: { deferral: d.deferral, dueAt: d.dueAt },
        deferrals: Math.max(prior.deferrals ?? 0, d.deferral),
      };
      return { steps: withStep(state.steps, d.stepId, deferred) };
    }
    case 'StepResumed': {
      const prior = state.steps[event.data.stepId];
      if (prior === undefined) return undefined;
      return { steps: withStep(state.steps, event.data.stepId, { ...prior, deferred: undefined }) };
    }
    case 'AgentMailSent': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined || prior.mail !== undefined) return undefined;
      const mail = { messageId: d.messageId, to: d.to, sentAt: event.at };
      return { steps: withStep(state.steps, d.stepId, { ...prior, mail }), ...park(state, event.at) };
    }
    case 'StepSkipped': {
      const d = event.data;
      const change = closing(state, d.stepId, event.at, (prior) => ({
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
      return notActivated(state, d.stepId, change);
    }
    case 'BranchTaken': {
      // A target already at work needs no activation (a loop back to it resets and activates it).
      const target = state.steps[event.data.target];
      if (target !== undefined && target.pending !== true) return {};
      return { activated: { ...state.activated, [event.data.target]: true } };
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
      return { steps, activated: { ...state.activated, [event.data.target]: true } };
    }
    case 'CheckpointOpened': {
      const d = event.data;
      const prior = state.steps[d.stepId];
      if (prior === undefined) return undefined;
      const checkpoint = { message: d.message, openedAt: event.at, timeoutMs: d.timeoutMs };
      return { steps: withStep(state.steps, d.stepId, { ...prior, checkpoint }), ...park(state, event.at) };
    }
    case 'CheckpointResolved': {
      const d = event.data;
      return closing(state, d.stepId, event.at, (prior) => ({
        ...prior,
        decision: { action: d.action, input: d.input, comment: d.comment, by: d.by },
      }));
    }
    case 'RunSucceeded':
      return { status: 'succeeded', output: event.data.output, endedAt: event.at };
    case 'RunFailed':
      return { status: 'failed', error: event.data.error, endedAt: event.at };
    case 'RunTimedOut': {
      const d = event.data;
      return {
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
        status: 'cancelled',
        error: { code: 'RUN_CANCELLED', message: event.data.reason, retryable: false },
        endedAt: event.at,
      };
    default:
      return undefined;
  }
}

function withStep(
  steps: Readonly<Record<string, StepRuntime>>,
  stepId: string,
  step: StepRuntime,
): Record<string, StepRuntime> {
  return { ...steps, [stepId]: step };
}

/** `change`, which also takes back a goto's activation of the step, if it had one. */
function notActivated(state: RunState, stepId: string, change: Change): Change {
  if (state.activated[stepId] === undefined) return change;
  const activated = { ...state.activated };
  delete activated[stepId];
  change.activated = activated;
  return change;
}

/** `change`, which also adds a step result's usage to what the run has spent. */
function withSpent(state: RunState, usage: Usage | undefined, change: Change): Change {
  if (usage === undefined) return change;
  const spent: Spent = {
    costUsd: state.spent.costUsd + (usage.costUsd ?? 0),
    promptTokens: state.spent.promptTokens + (usage.promptTokens ?? 0),
    completionTokens: state.spent.completionTokens + (usage.completionTokens ?? 0),
  };
  change.spent = spent;
  return change;
}

/**
 * Applies a change to a step (`change` returns a new step); when that closes the step's open wait
 * (a checkpoint, an agent mail), the run's parked time is brought up to date (such waits do not
 * count against the run's timeout).
 */
function closing(
  state: RunState,
  stepId: string,
  at: string,
  change: (prior: StepRuntime) => StepRuntime,
): Change {
  const prior = state.steps[stepId] ?? ({ status: 'running', visit: 0, attempt: 0 } as StepRuntime);
  const step = change(prior);
  step.checkpoint = undefined;
  step.mail = undefined;
  step.deferred = undefined;
  const steps = withStep(state.steps, stepId, step);
  if (prior.checkpoint === undefined && prior.mail === undefined) return { steps };
  return { steps, ...unpark(state, at) };
}

function debugSettings(debug: boolean, breakpoints: readonly string[] | undefined): Change {
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
function park(state: RunState, at: string): Change {
  const openCheckpoints = state.openCheckpoints + 1;
  return state.openCheckpoints === 0 ? { parkedSince: at, openCheckpoints } : { openCheckpoints };
}

function unpark(state: RunState, at: string): Change {
  const open = state.openCheckpoints - 1;
  if (open > 0) return { openCheckpoints: open };
  const since = state.parkedSince === undefined ? Date.parse(at) : Date.parse(state.parkedSince);
  return {
    openCheckpoints: 0,
    parkedSince: undefined,
    parkedMs: state.parkedMs + Math.max(0, Date.parse(at) - since),
  };
}

/**
 * An ended run goes back to a step: the reset steps wait for their next visit (their last outputs
 * stay readable), the end is forgotten, and the time so far stops counting against the timeout.
 */
function rewound(state: RunState, data: RunEventMap['RunRewound'], at: string): Change {
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
    rewoundAt: at,
  };
}

/**
 * Folds several events, as `evolve` one by one would. The state is copied once for all of them:
 * the copy is this function's own until it returns, so laying each change over it keeps the fold
 * pure for the caller.
 */
export function evolveAll(state: RunState, events: readonly RunEvent[]): RunState {
  let draft: RunState | undefined;
  for (const event of events) {
    const change = changeOf(draft ?? state, event);
    if (change === undefined) continue;
    if (draft === undefined) draft = { ...state, ...change, eventCount: state.eventCount + 1 };
    else {
      Object.assign(draft, change);
      draft.eventCount++;
    }
  }
  return draft ?? state;
}

/** Folds a run's whole log (as commits) from the initial state. */
export function foldCommits(runId: string, commits: readonly RunCommit[]): RunState {
  let state = initialRunState(runId);
  for (const commit of commits) state = evolveAll(state, commit.events);
  return state;
}
