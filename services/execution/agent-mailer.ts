import { agentMailId, type AgentEntry } from '@chainmail/agents';
import type { StepError } from '@chainmail/contracts';
import { injectTraceHeaders } from '@chainmail/telemetry';
import { AgentMailNotSent, type AgentMailTransport } from './agent-mail-transport';
import type { RunCommandHandler } from './run-command-handler';

export interface AgentMailSettings {
  /** The From of agent mails when the entry sets none (`CHAINMAIL_MAIL_FROM`). */
  from: string;
  /** Their Reply-To: where ingress receives the replies (`agent-replies@<domain>`). */
  replyTo: string;
  /** The domain of their Message-IDs (`CHAINMAIL_MAIL_DOMAIN`); ingress matches replies by it. */
  domain: string;
}

export interface AgentMailAttempt {
  runId: string;
  workflow: string;
  stepId: string;
  visit: number;
  attempt: number;
  input: string;
}

/**
 * An email agent's step: the input goes to the agent's mailbox with a Message-ID naming the
 * attempt, and `AgentMailSent` is recorded; the step then waits, holding nothing, for the reply
 * (ingress → `CompleteAgentMail`) or its timeout (a durable timer). A crash between the send and
 * the record sends the same mail again (same Message-ID) on redelivery; once recorded, never.
 */
export class AgentMailer {
  constructor(
    private readonly transport: AgentMailTransport,
    private readonly settings: AgentMailSettings,
    private readonly commands: RunCommandHandler,
    private readonly clock: () => number = Date.now,
  ) {}

  async dispatch(entry: AgentEntry, call: AgentMailAttempt): Promise<void> {
    const { runId, stepId, visit, attempt } = call;
    const to = typeof entry.config.to === 'string' ? entry.config.to : '';
    const subject =
      typeof entry.config.subject === 'string' && entry.config.subject !== ''
        ? entry.config.subject
        : `${call.workflow}: ${stepId}`;
    const from =
      typeof entry.config.from === 'string' && entry.config.from !== ''
        ? entry.config.from
        : this.settings.from;
    const started = this.clock();
    let messageId: string;
    try {
      messageId = agentMailId({ runId, stepId, visit, attempt }, this.settings.domain);
      if (to === '') throw new AgentMailNotSent(`${entry.address} has no mailbox (config.to)`, true);
      await this.transport.send({
        from,
        to,
        replyTo: this.settings.replyTo,
        subject,
        text: call.input,
        messageId,
        headers: { 'X-Chainmail-Run': runId, 'X-Chainmail-Step': stepId },
      });
    } catch (err) {
      await this.fail(call, mailError(entry.address, to, err), this.clock() - started);
      return;
    }
    await this.commands.handle(
      runId,
      { type: 'RecordAgentMail', data: { stepId, visit, attempt, messageId, to, subject } },
      `${runId}:${stepId}:${visit}:${attempt}:mail`,
      injectTraceHeaders({}),
    );
  }

  private async fail(call: AgentMailAttempt, error: StepError, durationMs: number): Promise<void> {
    const { runId, stepId, visit, attempt } = call;
    await this.commands.handle(
      runId,
      { type: 'CompleteStep', data: { stepId, visit, attempt, outcome: { ok: false, error, durationMs } } },
      `${runId}:${stepId}:${visit}:${attempt}:done`,
      injectTraceHeaders({}),
    );
  }
}

function mailError(address: string, to: string, err: unknown): StepError {
  const permanent = err instanceof AgentMailNotSent ? err.permanent : true;
  const why = err instanceof Error ? err.message : String(err);
  return {
    code: 'AGENT_FAILED',
    message: `the mail to ${address}${to ? ` (${to})` : ''} was not sent: ${why}`,
    retryable: !permanent,
  };
}
