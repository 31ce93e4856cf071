import { checkpointMailId } from '@chainmail/agents';
import type { CheckpointDecision, RunEventOf } from '@chainmail/contracts';
import { signApprovalLink, type ApprovalLinkClaims } from '@chainmail/identity';
import { stepGraph } from '@chainmail/workflow-dsl';
import { durationInWords } from './duration-words';
import { escapeHtml } from '@chainmail/platform';
import { markdownToHtml } from './markdown-html';
import { stepOf, threadHeaders, type RunSoFar } from './mail-composer';
import type { MailIdentity, OutboundMail } from './outbound-mail';
import { triggerMail } from './trigger-mail';
import { workflowTitle } from './workflow-title';

/** How approvers answer: the reply address and, when a key is configured, signed links. */
export interface ApprovalChannel {
  /** The Reply-To of checkpoint mails, which ingress's SMTP takes replies at. */
  replyTo: string;
  /** The HMAC key of approval links; absent: the mail carries no links. */
  linkKey?: Buffer;
  /** How long a link works when the checkpoint's deadline is later (or it has none). */
  linkTtlMs: number;
}

type Opened = RunEventOf<'CheckpointOpened'>;

/** The outputs a checkpoint guards: those of the steps it comes after, as the run has them now. */
export function guardedOutputs(run: RunSoFar, stepId: string): { stepId: string; output: string }[] {
  const step = stepGraph(run.facts.definition).find(stepId);
  const needs = step?.needs ?? [];
  return needs
    .map((id) => ({ stepId: id, output: stepOf(run.run, id)?.output ?? null }))
    .filter((s): s is { stepId: string; output: string } => s.output !== null && s.output !== '');
}

/** When the checkpoint decides by itself (its timeout), if it has one. */
export function deadlineOf(event: Opened): Date | undefined {
  return event.data.timeoutMs === undefined
    ? undefined
    : new Date(Date.parse(event.at) + event.data.timeoutMs);
}

/** Links expire with the checkpoint's deadline, or after the link lifetime if that comes first. */
export function linkExpiry(event: Opened, ttlMs: number): number {
  const ttl = Date.parse(event.at) + ttlMs;
  const deadline = deadlineOf(event)?.getTime();
  return deadline === undefined ? ttl : Math.min(ttl, deadline);
}

/**
 * The mail telling one approver that a checkpoint waits for them: the workflow, the message, what
 * the run produced so far, the deadline, how to answer by replying, and (with a key) one signed,
 * single-use link per decision. Pure, given the run so far; a redelivery writes the same mail.
 */
export function composeCheckpointMail(
  run: RunSoFar,
  event: Opened,
  approver: string,
  identity: MailIdentity,
  channel: ApprovalChannel,
): OutboundMail {
  const { facts } = run;
  const { stepId, visit, message } = event.data;
  const actions = event.data.actions ?? { approve: 'continue', reject: 'abort', edit: 'continue' };
  const deadline = deadlineOf(event);
  const guarded = guardedOutputs(run, stepId);
  const expiresAt = linkExpiry(event, channel.linkTtlMs);
  const link = (action: CheckpointDecision): string | undefined => {
    if (channel.linkKey === undefined) return undefined;
    const claims: ApprovalLinkClaims = { runId: facts.runId, stepId, visit, approver, action, expiresAt };
    return `${identity.publicUrl}/approvals/${signApprovalLink(claims, channel.linkKey)}`;
  };
  const links = (['approve', 'reject', 'edit'] as const)
    .map((action) => ({ action, url: link(action) }))
    .filter((l): l is { action: CheckpointDecision; url: string } => l.url !== undefined);

  const body = [
    `**${facts.workflow}** waits for your decision at step "${stepId}"${visit > 1 ? ` (round ${visit})` : ''}:`,
    '',
    `> ${message.split('\n').join('\n> ')}`,
    '',
    ...(guarded.length === 0
      ? ['The run has produced no output before this checkpoint.', '']
      : guarded.flatMap((g) => [`What "${g.stepId}" produced:`, '', g.output, ''])),
    deadline === undefined
      ? 'There is no deadline: the run waits until someone decides.'
      : `Deadline: ${deadline.toISOString()} (${durationInWords(deadline.getTime() - Date.parse(event.at))} after it opened); without a decision by then the checkpoint times out and the run fails.`,
    '',
    'To answer, reply to this mail. Its first word decides:',
    '',
    `- approve (a comment may follow) → ${actions.approve}`,
    `- reject (a reason may follow) → ${actions.reject}`,
    `- any other text is an edit: it becomes the new input → ${actions.edit}`,
    '',
    'Quoted text and your signature are ignored.',
    ...(links.length === 0
      ? []
      : [
          '',
          `Or open a link (each works once, until ${new Date(expiresAt).toISOString()}; opening one only shows a page with a button):`,
          '',
          ...links.map((l) => `- ${capitalized(l.action)}: ${l.url}`),
        ]),
  ].join('\n');
  const footer = [
    `Workflow: ${facts.workflow} (version ${facts.version})`,
    `Run: ${identity.publicUrl}/runs/${facts.runId} (or: chainmail approve|reject|edit ${facts.runId} ${stepId})`,
    `Everything waiting for you: ${identity.publicUrl}/approvals`,
  ];
  const trigger = triggerMail(facts.trigger);
  const thread = threadHeaders(facts.runId, trigger?.messageId, trigger?.references ?? [], identity.domain);
  return {
    from: identity.from,
    to: [approver],
    subject: `Approval needed: ${workflowTitle(facts.workflow)} — ${stepId}`,
    text: `${body}\n\n---\n${footer.join('\n')}\n`,
    html: [
      '<!doctype html><html><body>',
      markdownToHtml(body),
      `<hr>\n<p style="color:#555">${footer.map(escapeHtml).join('<br>\n')}</p>`,
      '</body></html>',
    ].join('\n'),
    messageId: checkpointMailId({ runId: facts.runId, stepId, visit }, identity.domain),
    ...thread,
    replyTo: channel.replyTo,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Chainmail-Run-Id': facts.runId,
      'X-Chainmail-Workflow': facts.workflow,
      'X-Chainmail-Checkpoint': `${stepId}/${visit}`,
    },
  };
}

/** The body of a checkpoint webhook call (`notify: [webhook]`): what waits, for whom, until when. */
export function checkpointPayload(
  run: RunSoFar,
  event: Opened,
  approvers: string[],
): Record<string, unknown> {
  return {
    event: 'checkpoint.waiting',
    runId: run.facts.runId,
    workflow: run.facts.workflow,
    version: run.facts.version,
    checkpoint: {
      step: event.data.stepId,
      visit: event.data.visit,
      message: event.data.message,
      actions: event.data.actions ?? null,
      approvers,
      openedAt: event.at,
      deadline: deadlineOf(event)?.toISOString() ?? null,
    },
    produced: guardedOutputs(run, event.data.stepId),
  };
}

const capitalized = (word: string): string => word[0].toUpperCase() + word.slice(1);
