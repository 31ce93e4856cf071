import type { CheckpointChannel, RunEvent } from '@chainmail/contracts';
import { stepGraph } from '@chainmail/workflow-dsl';
import { TERMINAL_RUN_EVENTS } from '@chainmail/contracts';
import { countedStepIds, type RunFacts } from './run-facts';
import { triggerMail } from './trigger-mail';

/** What one notification is about. */
export type Notice =
  | { kind: 'ack' }
  | {
      kind: 'step';
      stepId: string;
      visit: number;
      event: Extract<RunEvent, { type: 'StepSucceeded' | 'StepFailed' }>;
    }
  | { kind: 'done'; event: Extract<RunEvent, { type: 'RunSucceeded' }> }
  | { kind: 'failed'; event: Extract<RunEvent, { type: 'RunFailed' | 'RunTimedOut' }> }
  | { kind: 'cancelled'; event: Extract<RunEvent, { type: 'RunCancelled' }> }
  | { kind: 'webhook'; event: TerminalEvent }
  /** A checkpoint opened: its approvers are told (by mail, or by a webhook call). */
  | { kind: 'checkpoint'; event: Extract<RunEvent, { type: 'CheckpointOpened' }> };

export type TerminalEvent = Extract<
  RunEvent,
  { type: 'RunSucceeded' | 'RunFailed' | 'RunTimedOut' | 'RunCancelled' }
>;

export interface PlannedDelivery {
  /**
   * `${runId}/${key}`: the delivery's id, the same for every replica and redelivery. The key is
   * the name, and after the run was rewound `${name}@rewind-<n>`: a run that fails again after a
   * rewind owes a new failure mail, not the one already sent.
   */
  id: string;
  /** The id without the run: also the mail's Message-ID part, so each mail has its own. */
  key: string;
  channel: 'email' | 'webhook';
  /** `ack`, `step-<stepId>-<visit>`, `checkpoint-<stepId>-<visit>`, `done`, `failed`, `cancelled`, `webhook`. */
  name: string;
  notice: Notice;
}

/** Mail goes out when the output wants it and someone is to receive it: `output.to`, else the trigger mail's sender. */
export function sendsMail(facts: RunFacts): boolean {
  const output = facts.definition.output;
  if (facts.isChild || (output.format !== 'email' && output.format !== 'both')) return false;
  if (output.to !== undefined && output.to.trim() !== '') return true;
  return triggerMail(facts.trigger)?.from !== undefined;
}

export function sendsWebhook(facts: RunFacts): boolean {
  const output = facts.definition.output;
  return !facts.isChild && (output.format === 'webhook' || output.format === 'both') && !!output.url?.trim();
}

/**
 * The notifications one commit of the run causes, in the order of its events. Pure: every replica
 * and every redelivery plans the same deliveries with the same ids. `rewindsBefore`: how many
 * times the run was rewound in the commits before this one.
 * - mail, `async` (default) or `streaming`, email-triggered: an acknowledgement when the run starts
 *   (not when it also ended in that commit);
 * - mail, `streaming`: one per finished step of the definition (succeeded, or failed for good);
 * - mail, any mode: the result, the failure (failed or timed out) or a short cancellation notice;
 * - webhook: the outcome, once the run has ended;
 * - a checkpoint that opens, whatever the output: a mail to its approvers and/or a webhook call to
 *   `output.url`, as its `notify:` says (default: mail).
 */
export function planCommit(
  facts: RunFacts,
  events: readonly RunEvent[],
  rewindsBefore = 0,
): PlannedDelivery[] {
  const mail = sendsMail(facts);
  const webhook = sendsWebhook(facts);
  const checkpoints = events.some((e) => e.type === 'CheckpointOpened');
  if (!mail && !webhook && !checkpoints) return [];
  const mode = facts.definition.mode;
  const planned: PlannedDelivery[] = [];
  let rewinds = rewindsBefore;
  const plan = (channel: PlannedDelivery['channel'], name: string, notice: Notice): void => {
    const key = rewinds === 0 ? name : `${name}@rewind-${rewinds}`;
    planned.push({ id: `${facts.runId}/${key}`, key, channel, name, notice });
  };
  const email = (name: string, notice: Notice): void => plan('email', name, notice);
  const endsHere = events.some((e) => TERMINAL_RUN_EVENTS.has(e.type));
  const counted = new Set(countedStepIds(facts.definition));
  events.forEach((event, index) => {
    switch (event.type) {
      case 'RunRewound':
        rewinds += 1;
        break;
      case 'RunStarted':
        if (mail && mode !== 'sync' && facts.trigger.kind === 'email' && !endsHere)
          email('ack', { kind: 'ack' });
        break;
      case 'StepSucceeded':
      case 'StepFailed': {
        const { stepId, visit } = event.data;
        if (!mail || mode !== 'streaming' || !counted.has(stepId)) break;
        if (event.type === 'StepFailed' && triedAgain(events, index)) break;
        email(`step-${stepId}-${visit}`, { kind: 'step', stepId, visit, event });
        break;
      }
      case 'RunSucceeded':
        if (mail) email('done', { kind: 'done', event });
        break;
      case 'RunFailed':
      case 'RunTimedOut':
        if (mail) email('failed', { kind: 'failed', event });
        break;
      case 'RunCancelled':
        if (mail) email('cancelled', { kind: 'cancelled', event });
        break;
      case 'CheckpointOpened': {
        // Whatever the output's format: a person must be told that the run waits for them.
        const name = `checkpoint-${event.data.stepId}-${event.data.visit}`;
        const channels = checkpointChannels(facts, event.data.stepId);
        if (channels.includes('mail')) email(name, { kind: 'checkpoint', event });
        if (channels.includes('webhook')) plan('webhook', `${name}-webhook`, { kind: 'checkpoint', event });
        break;
      }
      default:
        break;
    }
    if (webhook && isTerminal(event)) plan('webhook', 'webhook', { kind: 'webhook', event });
  });
  return planned;
}

/** The checkpoint's `notify:` channels (default: mail). */
function checkpointChannels(facts: RunFacts, stepId: string): readonly CheckpointChannel[] {
  const step = stepGraph(facts.definition).find(stepId);
  return step?.kind === 'checkpoint' ? (step.notify ?? ['mail']) : ['mail'];
}

function isTerminal(event: RunEvent): event is TerminalEvent {
  return TERMINAL_RUN_EVENTS.has(event.type);
}

/** A failed attempt is not the step's end when the same decision starts or schedules another. */
function triedAgain(events: readonly RunEvent[], failedAt: number): boolean {
  const failed = events[failedAt];
  if (failed.type !== 'StepFailed') return false;
  return events
    .slice(failedAt + 1)
    .some(
      (e) =>
        (e.type === 'StepStarted' || e.type === 'StepRetryScheduled') &&
        e.data.stepId === failed.data.stepId &&
        e.data.visit === failed.data.visit,
    );
}
