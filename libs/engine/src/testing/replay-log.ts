import type { RunEvent, RunEventOf, RunEventType, TimerPurpose } from '@chainmail/contracts';
import type { AgentFacts, RunCommand, RunState, StepOutcome } from '@chainmail/engine';
import {
  cancel,
  command,
  complete,
  defer,
  fire,
  receiveReply,
  recordMail,
  resolve,
  resumeRun,
  rewind,
  stepRun,
} from './commands';

/**
 * Recorded runs, as `test/e2e/record-replays.e2e.ts` writes them (`replays/<construct>/log.json`
 * beside the workflow YAML), and how to get back, from each commit, the command it answered.
 */

export interface RecordedCommit {
  seq: number;
  prev: number;
  /** The append's message id: execution names each decision by the command it answered. */
  msgId: string;
  events: RunEvent[];
  /** What the run meant after this commit (`stateSummary` of the fold), as recorded. */
  state: StateSummary;
}

export interface RecordedRun {
  runId: string;
  workflow: string;
  commits: RecordedCommit[];
  /** The run as the API showed it at the end of the recording (the projector's view). */
  view: { status: string; output: string | null; error: { code: string } | null };
}

export interface ReplayLog {
  description: string;
  recordedBy: string;
  /** What the shell's agent lookup told `decide` of each registered address (builtins: nothing). */
  agents: Record<string, AgentFacts>;
  /** The run, then its child runs. */
  runs: RecordedRun[];
}

/**
 * What a run means after a commit: statuses, outputs, errors, waits and spending, leaving out
 * what is only bookkeeping (event counts, start times), so a new field of `RunState` alone does
 * not fail a replay while a different reading of the same log does.
 */
export interface StateSummary {
  status: string;
  output?: string;
  error?: { code: string; stepId?: string };
  openCheckpoints: number;
  spent: RunState['spent'];
  steps: Record<string, StepSummary>;
}

export interface StepSummary {
  status: string;
  visit: number;
  attempt: number;
  output?: string;
  error?: string;
  skipCause?: string;
  waits?: string;
  pending?: true;
}

export function stateSummary(state: RunState): StateSummary {
  const steps: Record<string, StepSummary> = {};
  for (const [id, step] of Object.entries(state.steps)) {
    const waits = step.retry
      ? `retry ${step.retry.attempt} at ${step.retry.dueAt}`
      : step.deferred
        ? `resume ${step.deferred.deferral} at ${step.deferred.dueAt}`
        : step.mail
          ? `reply to ${step.mail.messageId}`
          : step.checkpoint
            ? 'a decision'
            : undefined;
    steps[id] = {
      status: step.status,
      visit: step.visit,
      attempt: step.attempt,
      ...(step.output !== undefined ? { output: step.output } : {}),
      ...(step.error !== undefined ? { error: step.error.code } : {}),
      ...(step.skipCause !== undefined ? { skipCause: step.skipCause } : {}),
      ...(waits !== undefined ? { waits } : {}),
      ...(step.pending === true ? { pending: true as const } : {}),
    };
  }
  return {
    status: state.status,
    ...(state.output !== undefined ? { output: state.output } : {}),
    ...(state.error !== undefined
      ? {
          error: {
            code: state.error.code,
            ...(state.error.stepId !== undefined ? { stepId: state.error.stepId } : {}),
          },
        }
      : {}),
    openCheckpoints: state.openCheckpoints,
    spent: state.spent,
    steps,
  };
}

/** A commit that cannot be traced back to a command: what it was, and why. */
export class UnreadableCommit extends Error {
  constructor(runId: string, commit: Pick<RecordedCommit, 'seq' | 'msgId'>, why: string) {
    super(`commit ${commit.seq} of run ${runId} (message id "${commit.msgId}"): ${why}`);
  }
}

/**
 * The command a commit answered, from its message id (execution appends each decision under an
 * id naming its command: `<run>:start`, `<run>:<step>:<visit>:<attempt>:done`, `…:mail`,
 * `…:defer:<n>`, `<run>:timer:<timer id>`, `<run>:checkpoint:<id>`, `<run>:reply:<id>`,
 * `<run>:cancel`, `<run>:debug:<id>` for a step or resume, `<run>:rewind:<id>`) and the events it holds (a result's output, error and usage; a checkpoint's
 * decision; a reply's sender). `dueAt` of a timer is not in the log; `decide` does not read it,
 * so the commit's own time stands in.
 */
export function commandOf(runId: string, commit: RecordedCommit): RunCommand {
  const fail = (why: string): never => {
    throw new UnreadableCommit(runId, commit, why);
  };
  if (!commit.msgId.startsWith(`${runId}:`)) fail(`the message id does not start with "${runId}:"`);
  const rest = commit.msgId.slice(runId.length + 1);
  const find = <K extends RunEventType>(type: K, stepId?: string): RunEventOf<K> => {
    const event = commit.events.find(
      (e): e is RunEventOf<K> =>
        e.type === type && (stepId === undefined || (e.data as { stepId?: string }).stepId === stepId),
    );
    return event ?? fail(`expected a ${type}${stepId ? ` of ${stepId}` : ''} in it`);
  };

  // `<step>:<visit>:<attempt>:<what>[:<n>]` first, read from the end: a step may be named `reply`.
  const attemptKey = /^(.+):(\d+):(\d+):(done|mail|defer:\d+)$/.exec(rest);
  if (attemptKey !== null) {
    const [, stepId, visitText, attemptText, what] = attemptKey;
    const visit = Number(visitText);
    const attempt = Number(attemptText);
    if (what === 'mail') {
      const { messageId, to, subject } = find('AgentMailSent', stepId).data;
      return recordMail({ stepId, visit, attempt, messageId, to, subject });
    }
    if (what.startsWith('defer:')) {
      const { reason } = find('StepDeferred', stepId).data;
      return defer(stepId, reason, { visit, attempt });
    }
    return complete(stepId, outcomeOf(commit, stepId, find), { visit, attempt });
  }
  if (rest === 'start') {
    const { timeoutMs: _timeout, ...started } = find('RunStarted').data;
    return command('StartRun', { runId, ...started });
  }
  if (rest === 'cancel') {
    const { reason, by } = find('RunCancelled').data;
    return cancel(reason, by);
  }
  if (rest.startsWith('timer:')) {
    const dueAt = commit.events[0]?.at ?? fail('it has no events');
    return fire(timerOf(runId, rest.slice('timer:'.length), fail), dueAt);
  }
  if (rest.startsWith('checkpoint:')) {
    const { stepId, visit, action, input, comment, by, via } = find('CheckpointResolved').data;
    return resolve(stepId, action, {
      visit,
      by,
      ...(input !== undefined ? { input } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(via !== undefined ? { via } : {}),
    });
  }
  if (rest.startsWith('reply:')) {
    const { stepId, visit, attempt, from, messageId } = find('AgentReplyReceived').data;
    const { output } = find('StepSucceeded', stepId).data;
    return receiveReply({
      stepId,
      visit,
      attempt,
      from,
      output,
      ...(messageId !== undefined ? { messageId } : {}),
    });
  }
  if (rest.startsWith('debug:')) {
    const stepped = commit.events.find((e) => e.type === 'RunStepped');
    if (stepped?.type === 'RunStepped') {
      const { stepId, visit, input, by } = stepped.data;
      return stepRun(stepId, { visit, by, ...(input !== undefined ? { input } : {}) });
    }
    const { stepId, visit, by } = find('RunResumed').data;
    return resumeRun(stepId, visit, by);
  }
  if (rest.startsWith('rewind:')) {
    const { toStep, by } = find('RunRewound').data;
    return rewind(toStep, by);
  }
  return fail('no command of execution is appended under such an id');
}

/**
 * The result recorded at `commit.events[index]`, when it is one that rode in the commit of the
 * decision that started its step (execution runs instant builtins while deciding, see
 * `services/execution/instant-steps.ts`): the `CompleteStep` behind it. Undefined for any other event.
 */
export function instantResultAt(commit: RecordedCommit, index: number): RunCommand | undefined {
  const event = commit.events[index];
  if (event?.type === 'StepSucceeded') {
    const { stepId, visit, attempt, output, usage, durationMs } = event.data;
    const outcome: StepOutcome = { ok: true, output, durationMs, ...(usage !== undefined ? { usage } : {}) };
    return complete(stepId, outcome, { visit, attempt });
  }
  if (event?.type === 'StepFailed') {
    const { stepId, visit, attempt, error, usage, durationMs } = event.data;
    const outcome: StepOutcome = { ok: false, error, durationMs, ...(usage !== undefined ? { usage } : {}) };
    return complete(stepId, outcome, { visit, attempt });
  }
  return undefined;
}

function outcomeOf(
  commit: RecordedCommit,
  stepId: string,
  find: <K extends RunEventType>(type: K, stepId?: string) => RunEventOf<K>,
): StepOutcome {
  // The result's own event comes first: later ones of the same step are what it led to.
  const first = commit.events.find(
    (e) =>
      (e.type === 'StepSucceeded' || e.type === 'StepFailed') &&
      (e.data as { stepId: string }).stepId === stepId,
  );
  if (first?.type === 'StepFailed') {
    const { error, durationMs, usage } = first.data;
    return { ok: false, error, durationMs, ...(usage !== undefined ? { usage } : {}) };
  }
  const { output, usage, durationMs } = find('StepSucceeded', stepId).data;
  return { ok: true, output, durationMs, ...(usage !== undefined ? { usage } : {}) };
}

/** Scheduling's timer id (`<run>/<kind>/<step>/<visit>[/<attempt>[/<deferral>]]`) read back. */
function timerOf(runId: string, id: string, fail: (why: string) => never): TimerPurpose {
  if (id === `${runId}/run-timeout`) return { kind: 'run-timeout' };
  if (!id.startsWith(`${runId}/`)) return fail(`the timer id "${id}" is not of this run`);
  const parts = id.slice(runId.length + 1).split('/');
  const kind = parts[0];
  const numbers = (count: number): number[] => parts.slice(parts.length - count).map(Number);
  const stepOf = (count: number): string => parts.slice(1, parts.length - count).join('/');
  switch (kind) {
    case 'retry':
    case 'step-timeout': {
      const [visit, attempt] = numbers(2);
      return { kind, stepId: stepOf(2), visit, attempt };
    }
    case 'checkpoint-timeout': {
      const [visit] = numbers(1);
      return { kind, stepId: stepOf(1), visit };
    }
    case 'resume': {
      const [visit, attempt, deferral] = numbers(3);
      return { kind, stepId: stepOf(3), visit, attempt, deferral };
    }
    default:
      return fail(`unknown timer kind "${kind}"`);
  }
}
