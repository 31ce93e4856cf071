import type { RunEvent } from '@chainmail/contracts';
import { receiveAgentReply, recordAgentMail } from './agent-mail';
import { resolveCheckpoint } from './checkpoints';
import type { DecisionContext, RunCommand } from './commands';
import { Decision } from './decision';
import { releasePause, requestPause, rewindRun } from './debugging';
import { deferStep } from './deferral';
import { advance } from './progress';
import type { RunState } from './run-state';
import { completeAttempt } from './step-end';
import { fireTimer } from './timers';

/** Step kinds whose attempts end by a CompleteStep: an agent call or a child run. */
const COMPLETED_BY_SHELL: ReadonlySet<string> = new Set(['agent', 'workflow', 'item']);

/**
 * decide(command, state, context) → the events that command causes. Pure: the same inputs always
 * give the same events. Commands that no longer apply (a duplicate start, a result for an attempt
 * that is not running, a stale timer, a second decision at a checkpoint) give no events, which is
 * what makes redelivery harmless.
 */
export function decide(command: RunCommand, state: RunState, ctx: DecisionContext): RunEvent[] {
  return decideAndFold(command, state, ctx).events;
}

/** A decision's events and the state they lead to. */
export interface Decided {
  events: RunEvent[];
  state: RunState;
}

/**
 * `decide`, with the state its events lead to: the decision folded them as it went, so a caller
 * that goes on from there (runs instant steps ahead, caches the state) need not fold them again.
 */
export function decideAndFold(command: RunCommand, state: RunState, ctx: DecisionContext): Decided {
  const d = new Decision(state, ctx);
  const events = decideOn(d, command, state, ctx);
  return { events, state: events.length === 0 ? state : d.state };
}

function decideOn(d: Decision, command: RunCommand, state: RunState, ctx: DecisionContext): RunEvent[] {
  switch (command.type) {
    case 'StartRun': {
      if (state.status !== 'new') return [];
      const c = command.data;
      d.emit('RunStarted', {
        workflow: c.workflow,
        version: c.version,
        inputs: c.inputs,
        trigger: c.trigger,
        owner: c.owner,
        actor: c.actor,
        debug: c.debug,
        commandId: c.commandId,
        timeoutMs: ctx.definition.timeoutMs,
        ...(c.parent !== undefined ? { parent: c.parent, depth: c.depth ?? 1 } : {}),
        ...(c.limits !== undefined ? { limits: c.limits } : {}),
        ...(c.vars !== undefined ? { vars: c.vars } : {}),
        ...(c.breakpoints !== undefined && c.breakpoints.length > 0 ? { breakpoints: c.breakpoints } : {}),
        ...(c.forkedFrom !== undefined ? { forkedFrom: c.forkedFrom, carried: c.carried ?? {} } : {}),
        ...(c.traceparent !== undefined ? { traceparent: c.traceparent } : {}),
      });
      break;
    }
    case 'CompleteStep': {
      const { stepId, visit, attempt, outcome } = command.data;
      const step = state.steps[stepId];
      if (!d.running || step?.status !== 'running' || step.pending === true) return [];
      if (step.visit !== visit || step.attempt !== attempt || !COMPLETED_BY_SHELL.has(step.kind ?? 'agent'))
        return [];
      completeAttempt(d, stepId, outcome);
      break;
    }
    case 'CancelRun':
      if (!d.running) return [];
      d.abandonChildRuns(`the run was cancelled: ${command.data.reason}`);
      d.emit('RunCancelled', {
        reason: command.data.reason,
        by: command.data.by,
        durationMs: d.runDuration(),
      });
      return d.events;
    case 'FireTimer':
      if (!d.running) return [];
      fireTimer(d, command.data.timer);
      break;
    case 'ResolveCheckpoint':
      if (!d.running) return [];
      resolveCheckpoint(d, command.data);
      break;
    case 'DeferStep':
      if (!d.running) return [];
      deferStep(d, command.data);
      // Waiting changes nothing else: no need to look for other work.
      return d.events;
    case 'RecordAgentMail':
      if (!d.running) return [];
      recordAgentMail(d, command.data);
      return d.events;
    case 'ReceiveAgentReply':
      if (!d.running) return [];
      receiveAgentReply(d, command.data);
      break;
    case 'StepRun':
    case 'ResumeRun':
      if (!d.running) return [];
      releasePause(d, command.type, command.data);
      break;
    case 'PauseRun':
      if (!d.running) return [];
      requestPause(d, command.data);
      // Nothing runs differently until the next step would begin.
      return d.events;
    case 'RewindRun':
      rewindRun(d, command.data);
      break;
  }
  // Nothing applied: no events, not even what advancing alone would find.
  if (d.events.length === 0) return [];
  advance(d);
  return d.events;
}
