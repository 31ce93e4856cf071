import type { RecordAgentMailData } from '@chainmail/contracts';
import type { Decision } from './decision';

/** An email agent's mail as the shell sent it: what `RecordAgentMail` carries. */
export type AgentMailRecord = RecordAgentMailData;

export interface AgentReply {
  stepId: string;
  visit: number;
  attempt: number;
  from: string;
  messageId?: string;
  output: string;
}

/**
 * The shell sent an email agent's mail for the running attempt: the step now waits for the
 * reply, and the wait parks the run. A second record of the same attempt decides nothing.
 */
export function recordAgentMail(d: Decision, mail: AgentMailRecord): void {
  const step = d.step(mail.stepId);
  if (step?.status !== 'running' || step.pending === true || step.mail !== undefined) return;
  if (step.visit !== mail.visit || step.attempt !== mail.attempt) return;
  if (step.agent === undefined || step.childRunId !== undefined) return;
  d.emit('AgentMailSent', { ...mail, agent: step.agent });
}

/**
 * The reply to the running attempt's mail, from the mailbox it was sent to: the step succeeds
 * with the reply's text. A reply for another attempt, to no mail, or from someone else decides
 * nothing (ingress refuses those before they get here; this is the engine's own check).
 */
export function receiveAgentReply(d: Decision, reply: AgentReply): void {
  const step = d.step(reply.stepId);
  if (step?.status !== 'running' || step.pending === true || step.mail === undefined) return;
  if (step.visit !== reply.visit || step.attempt !== reply.attempt) return;
  if (bare(reply.from) !== bare(step.mail.to)) return;
  const { stepId, visit, attempt } = reply;
  d.emit('AgentReplyReceived', {
    stepId,
    visit,
    attempt,
    from: reply.from,
    ...(reply.messageId !== undefined ? { messageId: reply.messageId } : {}),
  });
  d.emit('StepSucceeded', { stepId, visit, attempt, output: reply.output, durationMs: d.elapsed(step) });
}

/** `Research <Research@Mail-To-AI.com>` and `research@mail-to-ai.com` are the same mailbox. */
function bare(address: string): string {
  const inner = /<([^>]*)>/.exec(address)?.[1] ?? address;
  return inner.trim().toLowerCase();
}
