import type { RunEvent } from '@chainmail/contracts';
import type { RunRecord, StepRecord } from '@chainmail/persistence';
import type { Notice } from './delivery-plan';
import { renderOutputSetting } from './output-template';
import { escapeHtml } from '@chainmail/platform';
import { markdownToHtml } from './markdown-html';
import { notificationMessageId, type MailIdentity, type OutboundMail } from './outbound-mail';
import { retryInstructions } from './retry-instructions';
import { countedStepIds, type RunFacts } from './run-facts';
import { footerLines, summarize } from './run-summary';
import { durationInWords } from './duration-words';
import { triggerMail } from './trigger-mail';
import { completeSubject, workflowTitle } from './workflow-title';

/**
 * The run for a notice: its views (the projector has reached the notice's commit; they may be
 * further on) and every event of its log up to the notice's commit.
 */
export interface RunSoFar {
  facts: RunFacts;
  run: RunRecord;
  events: readonly RunEvent[];
}

/** The step in the run's views, if it has begun. */
export function stepOf(run: RunRecord, stepId: string): StepRecord | undefined {
  return run.steps.find((s) => s.stepId === stepId);
}

export type ComposedMail = { ok: true; mail: OutboundMail } | { ok: false; reason: string; subject: string };

/** Thread headers cap: a long thread must not make an endless References line. */
const MAX_REFERENCES = 20;

/** Writes the mail for one notice of a run. Pure, given the run so far. */
export function composeMail(
  run: RunSoFar,
  key: string,
  notice: Notice,
  identity: MailIdentity,
): ComposedMail {
  const { subject, body, footer } = content(run, notice, identity);
  const to = recipients(run);
  if (to.length === 0) {
    return {
      ok: false,
      subject,
      reason: 'no recipient: output.to rendered empty and the run was not started by a mail',
    };
  }
  const trigger = triggerMail(run.facts.trigger);
  const thread = threadHeaders(
    run.facts.runId,
    trigger?.messageId,
    trigger?.references ?? [],
    identity.domain,
  );
  const text = footer.length > 0 ? `${body}\n\n---\n${footer.join('\n')}\n` : `${body}\n`;
  const html = [
    '<!doctype html><html><body>',
    markdownToHtml(body),
    footer.length > 0 ? `<hr>\n<p style="color:#555">${footer.map(escapeHtml).join('<br>\n')}</p>` : '',
    '</body></html>',
  ].join('\n');
  const mail: OutboundMail = {
    from: identity.from,
    to,
    subject,
    text,
    html,
    messageId: notificationMessageId(run.facts.runId, key, identity.domain),
    ...thread,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Chainmail-Run-Id': run.facts.runId,
      'X-Chainmail-Workflow': run.facts.workflow,
    },
  };
  // A reply to a failure mail goes to the trigger address, which starts the workflow again.
  if (notice.kind === 'failed' && trigger?.to !== undefined) mail.replyTo = trigger.to;
  return { ok: true, mail };
}

interface Content {
  subject: string;
  body: string;
  footer: string[];
}

function content(run: RunSoFar, notice: Notice, identity: MailIdentity): Content {
  const { facts } = run;
  const title = workflowTitle(facts.workflow);
  // The console's run page (a browser asks for the token there); the CLI for a terminal.
  const runLine = `Run: ${identity.publicUrl}/runs/${facts.runId} (or: chainmail logs ${facts.runId})`;
  switch (notice.kind) {
    case 'ack': {
      const steps = countedStepIds(facts.definition);
      return {
        subject: `Chainmail is working on it: ${facts.workflow}`,
        body: [
          `Chainmail is working on it: ${facts.workflow}, ${plural(steps.length, 'step')} (${steps.join(' → ')}).`,
          'The result will come in this thread when it is done.',
          '',
          runLine,
        ].join('\n'),
        footer: [],
      };
    }
    case 'step': {
      const { stepId, event } = notice;
      const steps = countedStepIds(facts.definition);
      const position = `${steps.indexOf(stepId) + 1}/${steps.length}`;
      const agent = stepOf(run.run, stepId)?.agent;
      const footer = [
        `Workflow: ${facts.workflow}`,
        `Step: ${stepId}${agent ? ` (${agent})` : ''}, ${position}`,
        `Step time: ${durationInWords(event.data.durationMs)}`,
      ];
      if (event.type === 'StepSucceeded') {
        return {
          subject: `Step ${position} done: ${stepId}`,
          body: event.data.output || '(no output)',
          footer,
        };
      }
      const { code, message } = event.data.error;
      return {
        subject: `Step ${position} failed: ${stepId}`,
        body: `Step "${stepId}" failed after ${plural(event.data.attempt, 'attempt')}.\n\nWhy: ${code}: ${message}`,
        footer,
      };
    }
    case 'done':
      return {
        subject: renderedOr(
          run,
          facts.definition.output.subject,
          replySubject(triggerMail(facts.trigger)?.subject) ?? completeSubject(facts.workflow),
        ),
        body: notice.event.data.output || '(The run finished without output.)',
        footer: footerLines(summarize(facts, run.run, run.events, notice.event.data.durationMs)),
      };
    case 'failed':
      return failure(run, notice, title, runLine, identity);
    case 'cancelled': {
      const { by, reason } = notice.event.data;
      return {
        subject: `${title} Cancelled`,
        body: `${facts.workflow} was cancelled by ${by}: ${reason}. Nothing more will be sent for this run.\n\n${runLine}`,
        footer: [],
      };
    }
    case 'webhook':
      throw new Error('a webhook notice has no mail');
    case 'checkpoint':
      throw new Error('a checkpoint mail is composed per approver (composeCheckpointMail)');
  }
}

function failure(
  run: RunSoFar,
  notice: Extract<Notice, { kind: 'failed' }>,
  title: string,
  runLine: string,
  identity: MailIdentity,
): Content {
  const { facts } = run;
  const event = notice.event;
  const timedOut = event.type === 'RunTimedOut';
  const stepId = timedOut ? event.data.stepId : event.data.error.stepId;
  const error = timedOut
    ? {
        code: 'RUN_TIMEOUT',
        message:
          event.data.message ??
          run.run.error?.message ??
          `the run took longer than ${durationInWords(event.data.timeoutMs)}`,
      }
    : event.data.error;
  const steps = countedStepIds(facts.definition);
  const where =
    stepId === undefined
      ? ''
      : ` at step ${steps.includes(stepId) ? `${steps.indexOf(stepId) + 1}/${steps.length} ` : ''}"${stepId}"${
          stepOf(run.run, stepId)?.agent ? ` (${stepOf(run.run, stepId)?.agent})` : ''
        }`;
  const trigger = triggerMail(facts.trigger);
  return {
    subject: `${title} ${timedOut ? 'Timed Out' : 'Failed'}`,
    body: [
      `${facts.workflow} ${timedOut ? 'timed out' : 'failed'}${where}.`,
      '',
      `Why: ${error.code}: ${error.message}`,
      '',
      'How to retry:',
      ...retryInstructions({
        workflow: facts.workflow,
        inputs: facts.inputs,
        runId: facts.runId,
        publicUrl: identity.publicUrl,
        replyAddress: trigger?.to,
      }),
      '',
      runLine,
    ].join('\n'),
    footer: footerLines(summarize(facts, run.run, run.events, event.data.durationMs)),
  };
}

/** `output.to` (rendered when it is a template), else the sender of the trigger mail. */
export function recipients(run: RunSoFar): string[] {
  const to = run.facts.definition.output.to;
  const text =
    to !== undefined && to.trim() !== ''
      ? renderedOr(run, to, '')
      : (triggerMail(run.facts.trigger)?.from ?? '');
  return text
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter((a) => /^[^\s@<>]+@[^\s@<>]+$/.test(a) || /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/.test(a));
}

/**
 * The notification thread: a reply to the trigger mail (`In-Reply-To` it, `References` its
 * thread and it). A run not started by mail gets a thread root of its own, so its mails group.
 */
export function threadHeaders(
  runId: string,
  triggerMessageId: string | undefined,
  triggerReferences: readonly string[],
  domain: string,
): { inReplyTo?: string; references: string[] } {
  if (triggerMessageId === undefined) return { references: [notificationMessageId(runId, 'run', domain)] };
  const references = [...triggerReferences.filter((r) => r !== triggerMessageId), triggerMessageId];
  return { inReplyTo: triggerMessageId, references: references.slice(-MAX_REFERENCES) };
}

function renderedOr(run: RunSoFar, template: string | undefined, fallback: string): string {
  return renderOutputSetting(run.run, run.facts.definition, template, fallback);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The result of a run started by a mail answers it as `Re: <its subject>`: clients that thread by
 * subject keep it in the conversation. Undefined when the mail had no subject.
 */
export function replySubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}
