import type {
  CheckpointDecision,
  CheckpointVia,
  TimerPurpose,
  WorkflowDefinition,
} from '@chainmail/contracts';
import type { RunCommand, StepOutcome } from '@chainmail/engine';
import { T0 } from './clock';

/**
 * The engine's commands as the shell sends them, built in this one place: specifications,
 * replays and the simulator all go through here, so a change to the command shapes is one edit.
 */

export type RunCommandType = RunCommand['type'];
export type CommandData<K extends RunCommandType> = Extract<RunCommand, { type: K }>['data'];

export function command<K extends RunCommandType>(type: K, data: CommandData<K>): RunCommand {
  return { type, data } as RunCommand;
}

/** A start of run `run-1` (or `extra.runId`) of `definition`'s version 1, from the API. */
export function start(
  definition: WorkflowDefinition,
  inputs: Record<string, unknown> = {},
  extra: Partial<CommandData<'StartRun'>> = {},
): RunCommand {
  const runId = extra.runId ?? 'run-1';
  return command('StartRun', {
    commandId: `start:${runId}`,
    runId,
    workflow: definition.name,
    version: 1,
    inputs,
    trigger: { kind: 'api' },
    owner: 'default',
    actor: 'test',
    debug: false,
    ...extra,
  });
}

/** The result of attempt `attempt` of visit `visit` (both 1 unless said). */
export function complete(
  stepId: string,
  outcome: StepOutcome,
  at: { visit?: number; attempt?: number } = {},
): RunCommand {
  return command('CompleteStep', { stepId, visit: at.visit ?? 1, attempt: at.attempt ?? 1, outcome });
}

export function fire(timer: TimerPurpose, dueAt = new Date(T0).toISOString()): RunCommand {
  return command('FireTimer', { timer, dueAt });
}

export function resolve(
  stepId: string,
  action: CheckpointDecision,
  extra: { input?: string; comment?: string; visit?: number; by?: string; via?: CheckpointVia } = {},
): RunCommand {
  return command('ResolveCheckpoint', { stepId, action, by: extra.by ?? 'alice', ...extra });
}

export function cancel(reason = 'user asked', by = 'api'): RunCommand {
  return command('CancelRun', { reason, by });
}

/** The agent is at its concurrency limit. */
export function defer(
  stepId: string,
  reason: string,
  at: { visit?: number; attempt?: number } = {},
): RunCommand {
  return command('DeferStep', { stepId, visit: at.visit ?? 1, attempt: at.attempt ?? 1, reason });
}

/** An email agent's mail went out. */
export function recordMail(mail: CommandData<'RecordAgentMail'>): RunCommand {
  return command('RecordAgentMail', mail);
}

/** The stripped reply to an email agent's mail. */
export function receiveReply(reply: CommandData<'ReceiveAgentReply'>): RunCommand {
  return command('ReceiveAgentReply', reply);
}

/** Debugging: run the step the run is paused before (visit 1 unless said), then pause again. */
export function stepRun(
  stepId: string,
  extra: { visit?: number; input?: string; by?: string } = {},
): RunCommand {
  const { visit = 1, by = 'alice', ...rest } = extra;
  return command('StepRun', { stepId, visit, by, ...rest });
}

/** Debugging: run the paused step and go on to the next breakpoint or the end. */
export function resumeRun(stepId: string, visit = 1, by = 'alice'): RunCommand {
  return command('ResumeRun', { stepId, visit, by });
}

/** Debugging: a running run pauses before its next step. */
export function pauseRun(by = 'alice'): RunCommand {
  return command('PauseRun', { by });
}

/** Take an ended run back to a step. */
export function rewind(toStep: string, by = 'alice'): RunCommand {
  return command('RewindRun', { toStep, by });
}
