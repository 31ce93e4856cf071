import { findAgentMail, type AgentEntry, type AgentMailKey } from '@chainmail/agents';
import { AGENT_REPLY_SUBJECT, type CompleteAgentMail } from '@chainmail/contracts';
import type { AgentMailRecord } from '@chainmail/persistence';
import type { InboundEntry } from '../inbound/inbound-record';
import type { InboundMail } from './inbound-mail';
import type { MailEnvelope, SmtpReply } from './smtp-reply';

export interface AgentReplySettings {
  /** The domain of agent mails' Message-IDs (`CHAINMAIL_MAIL_DOMAIN`). */
  domain: string;
  /** The Reply-To of agent mails (`agent-replies@<domain>`): accepted at RCPT TO though no workflow is bound to it. */
  replyAddress: string;
}

export interface AgentReplyPorts {
  /** The attempt's agent mail in the run views; null when they do not have the run. */
  mail(key: AgentMailKey): Promise<AgentMailRecord | null>;
  /** Waits (briefly) until the run views hold the run as far as its log goes. */
  catchUp(runId: string): Promise<unknown>;
  /** Sends a command to the COMMANDS stream. */
  send(subject: string, command: CompleteAgentMail): Promise<unknown>;
  /** The agent directory's entries, for the mailboxes that may send replies. */
  agents(): AgentEntry[];
}

/** What ingress decided about one reply: the SMTP answer and what to record (one entry per recipient). */
export interface ReplyDecision {
  reply: SmtpReply;
  entries: Omit<InboundEntry, 'id' | 'channel' | 'receivedAt' | 'remoteAddress'>[];
}

/**
 * Replies to email agents' mails. A mail whose `In-Reply-To` or `References` names an agent mail
 * (`<run.step.visit.attempt@domain>`) is not a trigger: it answers the step attempt that sent it.
 * It is accepted only from the mailbox the mail went to (the run's `AgentMailSent.to`, as the run
 * views keep it by attempt), only while
 * that attempt still waits, and not when it is automatic (an out-of-office: the step keeps
 * waiting); then `CompleteAgentMail` goes to execution, which strips quotes and signature. Every
 * decision is recorded in `inbound_messages` like any other mail.
 */
export class AgentReplies {
  constructor(
    private readonly ports: AgentReplyPorts,
    private readonly settings: AgentReplySettings,
  ) {}

  isReplyAddress(recipient: string): boolean {
    return bare(recipient) === bare(this.settings.replyAddress);
  }

  /** Whether `sender` is the mailbox of a registered email agent (its replies pass MAIL FROM). */
  expectsFrom(sender: string): boolean {
    const address = bare(sender);
    return this.ports.agents().some((e) => e.kind === 'email' && bare(String(e.config.to ?? '')) === address);
  }

  /** The agent mail this mail answers, if any. */
  match(mail: InboundMail): { key: AgentMailKey; messageId: string } | undefined {
    return findAgentMail({ inReplyTo: mail.inReplyTo, references: mail.references }, this.settings.domain);
  }

  async receive(
    mail: InboundMail,
    answered: { key: AgentMailKey; messageId: string },
    envelope: MailEnvelope,
  ): Promise<ReplyDecision> {
    const { runId, stepId, visit, attempt } = answered.key;
    const from = mail.from ?? envelope.sender;
    const facts = { sender: from, subject: mail.subject, messageId: mail.messageId, runId };
    const decide = (
      reply: SmtpReply,
      reason: string,
      extra: { workflow?: string; status?: InboundEntry['status'] } = {},
    ): ReplyDecision => ({
      reply,
      entries: envelope.recipients.map((recipient) => ({
        ...facts,
        recipient,
        status: extra.status ?? (reply.accept ? 'accepted' : 'refused'),
        reason,
        ...(extra.workflow !== undefined ? { workflow: extra.workflow } : {}),
      })),
    });
    const refuse = (code: number, why: string, workflow?: string): ReplyDecision =>
      decide({ accept: false, code, message: why }, why, {
        workflow,
        status: code < 500 ? 'failed' : 'refused',
      });

    let record = await this.ports.mail(answered.key);
    if (record?.messageId == null) {
      // The mail may be recorded in the log and not in the views yet: let the projector catch up.
      await this.ports.catchUp(runId);
      record = await this.ports.mail(answered.key);
    }
    if (record === null) return refuse(550, `${answered.messageId} names run ${runId}, which does not exist`);
    const where = `step "${stepId}" of run ${runId}`;
    const { workflow, waiting } = record;
    const agent = record.agent ?? 'the agent';
    if (record.messageId === null) {
      // Sent a moment ago and not recorded yet: the sending server tries again in a while.
      if (waiting) return refuse(451, `${where} has not recorded its mail yet; try again later`, workflow);
      return refuse(550, `${answered.messageId} is not a mail ${where} sent`, workflow);
    }
    if (bare(from) !== bare(record.to ?? '')) {
      return refuse(
        550,
        `the reply to ${agent} (${where}) must come from ${record.to}, not ${from}`,
        workflow,
      );
    }
    const repeated = mail.messageId !== undefined && record.replyMessageId === mail.messageId;
    if (repeated) {
      return decide(
        { accept: true, message: 'OK: already taken' },
        `redelivered: the reply ${where} already took`,
        { workflow },
      );
    }
    if (!waiting) {
      return refuse(550, `${where} no longer waits for this reply (it ended, or was tried again)`, workflow);
    }
    if (mail.autoSubmitted) {
      return refuse(
        550,
        `automatic mail (Auto-Submitted) does not answer ${where}, which keeps waiting for a reply`,
        workflow,
      );
    }
    const command: CompleteAgentMail = {
      type: 'CompleteAgentMail',
      // One answer per attempt: a redelivered mail, or a second reply, decides nothing more.
      commandId: `agent-reply:${runId}:${stepId}:${visit}:${attempt}`,
      runId,
      stepId,
      visit,
      attempt,
      from,
      ...(mail.messageId !== undefined ? { messageId: mail.messageId } : {}),
      text: mail.text,
    };
    await this.ports.send(AGENT_REPLY_SUBJECT, command);
    return decide(
      { accept: true, message: `OK: the reply of ${agent} to ${where}` },
      `reply of ${agent} to ${where}`,
      {
        workflow,
      },
    );
  }
}

/** `Research <Research@Mail-To-AI.com>` → `research@mail-to-ai.com`. */
function bare(address: string): string {
  const inner = /<([^>]*)>/.exec(address)?.[1] ?? address;
  return inner.trim().toLowerCase();
}
