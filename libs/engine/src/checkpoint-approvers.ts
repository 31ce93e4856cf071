import type { CheckpointAction, CheckpointDecision, CheckpointStep, TriggerInfo } from '@chainmail/contracts';

/** `Jane <Jane@Acme.example>` → `jane@acme.example`; undefined when it is no address. */
export function bareAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const inner = (/<([^>]*)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(inner) ? inner : undefined;
}

/**
 * Who may decide at a checkpoint, as its `CheckpointOpened` records it: the step's `approvers`,
 * else the sender of the mail that started the run, else the run's owner (`owner`).
 */
export function approversOf(step: CheckpointStep, trigger: TriggerInfo): string[] {
  if (step.approvers !== undefined && step.approvers.length > 0) return [...step.approvers];
  const sender = trigger.kind === 'email' ? bareAddress(trigger.details?.from) : undefined;
  return sender !== undefined ? [sender] : ['owner'];
}

/** What each decision does, in words: `continue`, `abort`, `goto draft`. */
export function actionWords(step: CheckpointStep): Record<CheckpointDecision, string> {
  const word = (action: CheckpointAction): string =>
    action.kind === 'goto' ? `goto ${action.step}` : action.kind;
  return {
    approve: word(step.actions.approve),
    reject: word(step.actions.reject),
    edit: word(step.actions.edit),
  };
}
