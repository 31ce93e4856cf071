import { randomUUID } from 'node:crypto';
import { ChainmailError } from '@chainmail/contracts';
import type { WorkerPool } from '@chainmail/platform';
import type { EmailBinding, TriggerBindings } from '../bindings/trigger-bindings';
import type { InboundEntry, InboundRecorder } from '../inbound/inbound-record';
import { derivedRunId } from '../runs/run-ids';
import type { RunStarter } from '../runs/traced-run-starter';
import type { AgentReplies } from './agent-replies';
import type { ApprovalReplies } from './approval-replies';
import { MailUnreadable, type InboundMail } from './inbound-mail';
import { MailReader } from './mail-reader';
import { SenderAllowList } from './sender-allow-list';
import type { MailEnvelope, SmtpReply } from './smtp-reply';

export type { MailEnvelope, SmtpReply } from './smtp-reply';

/** The SMTP answer to one command: accept (with an optional text), or a reply code and why. */

export interface MailSession {
  remoteAddress?: string;
}

export type MailData = { raw: Buffer } | { tooLarge: true; bytes: number };

export interface MailSettings {
  /** Who may send when a trigger has no `allow` (`CHAINMAIL_MAIL_ALLOW`). */
  defaultAllow: SenderAllowList;
  maxMailBytes: number;
  /** A run's inputs must fit this (`CHAINMAIL_MAX_INPUT_BYTES`): the text body becomes one. */
  maxInputBytes: number;
  parseTimeoutMs: number;
  /** Where MIME is parsed: worker threads; without one, inline. */
  pool?: WorkerPool;
}

const accept = (message?: string): SmtpReply => ({ accept: true, message });
const refuse = (code: number, message: string): SmtpReply => ({ accept: false, code, message });

/**
 * Inbound mail, decided as early as SMTP allows: an unknown recipient or a sender nobody allows
 * is refused at `MAIL FROM`/`RCPT TO`, before any data; size, MIME and the header sender at
 * `DATA`. Each accepted mail starts one run per bound workflow, its id derived from the
 * Message-ID so a redelivery starts nothing new. Every decision is recorded.
 */
export class ReceiveMailUseCase {
  /** Compiled once per binding; bindings are rebuilt (and these dropped) when the catalog changes. */
  private readonly allowLists = new WeakMap<EmailBinding, SenderAllowList>();
  private readonly reader: MailReader;

  constructor(
    private readonly bindings: TriggerBindings,
    private readonly starter: RunStarter,
    private readonly recorder: InboundRecorder,
    private readonly settings: MailSettings,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
    /** Replies to email agents' mails; without it every mail is a trigger. */
    private readonly replies?: AgentReplies,
    /** Replies to checkpoint mails (approvals); without it no mail decides a checkpoint. */
    private readonly approvals?: ApprovalReplies,
  ) {
    this.reader = new MailReader(settings.parseTimeoutMs, settings.pool);
  }

  async mailFrom(sender: string, session: MailSession): Promise<SmtpReply> {
    if (sender === '') return accept(); // A bounce: refused per recipient, where it is recorded with one.
    const bound = this.bindings.emailBindings();
    if (bound.length === 0 || bound.some((b) => this.allowList(b).allows(sender))) return accept();
    // An email agent's mailbox replying: checked against the waiting step at DATA.
    if (this.replies?.expectsFrom(sender)) return accept();
    // Anyone may answer a checkpoint mail (a stranger is told so by mail): senders are checked at RCPT TO.
    if (this.approvals) return accept();
    await this.recorder.record(
      this.entry(session, { sender, reason: 'the sender is not allowed by any email trigger' }),
    );
    return refuse(
      550,
      `<${sender}> may not start workflows here; ask a workflow's owner to add you to its allow list`,
    );
  }

  async rcptTo(sender: string, recipient: string, session: MailSession): Promise<SmtpReply> {
    // The Reply-To of agent mails: whether a mail answers one is known at DATA.
    if (this.replies?.isReplyAddress(recipient)) return accept();
    // The Reply-To of checkpoint mails: the reply is matched and its sender checked at DATA.
    if (this.approvals?.isReplyAddress(recipient)) return accept();
    const bound = this.bindings.emailFor(recipient);
    const base = { sender, recipient };
    if (bound.length === 0) {
      const known = [...new Set(this.bindings.emailBindings().map((b) => b.address))].sort();
      const reason = `no workflow is bound to ${recipient}; bound addresses: ${known.join(', ') || 'none'}`;
      await this.recorder.record(this.entry(session, { ...base, reason }));
      return refuse(550, `<${recipient}>: no workflow is bound to this address`);
    }
    if (sender === '') {
      await this.recorder.record(
        this.entry(session, { ...base, reason: 'a mail without a sender (a bounce) starts no workflow' }),
      );
      return refuse(550, 'mail without a sender (a bounce) starts no workflow');
    }
    if (!bound.some((b) => this.allowList(b).allows(sender))) {
      const workflows = bound.map((b) => b.workflow).join(', ');
      await this.recorder.record(
        this.entry(session, {
          ...base,
          workflow: bound[0].workflow,
          reason: `sender not in the allow list of ${workflows}`,
        }),
      );
      return refuse(
        550,
        `<${sender}> may not send to <${recipient}>; ask the workflow's owner to add you to its allow list`,
      );
    }
    return accept();
  }

  async data(envelope: MailEnvelope, data: MailData, session: MailSession): Promise<SmtpReply> {
    const size = 'raw' in data ? data.raw.length : data.bytes;
    const base = { sender: envelope.sender, sizeBytes: size };
    const refuseAll = async (
      code: number,
      message: string,
      reason: string,
      extra: Partial<InboundEntry> = {},
    ): Promise<SmtpReply> => {
      await this.recorder.record(
        envelope.recipients.map((recipient) => this.entry(session, { ...base, ...extra, recipient, reason })),
      );
      return refuse(code, message);
    };
    if (!('raw' in data)) {
      const limit = this.settings.maxMailBytes;
      return refuseAll(
        552,
        `message of ${data.bytes} bytes is over the limit of ${limit} bytes`,
        `message of ${data.bytes} bytes is over the limit of ${limit}`,
      );
    }
    let mail: InboundMail;
    try {
      mail = await this.reader.read(data.raw);
    } catch (err) {
      if (!(err instanceof MailUnreadable)) throw err;
      return refuseAll(
        550,
        `the message could not be read as MIME: ${err.message}`,
        `unreadable MIME: ${err.message}`,
      );
    }
    const facts = { subject: mail.subject, messageId: mail.messageId };
    const answered = this.replies?.match(mail);
    if (this.replies && answered) {
      // A reply to an email agent's mail answers its step; it starts no workflow.
      const decided = await this.replies.receive(mail, answered, envelope);
      await this.recorder.record(decided.entries.map((entry) => this.entry(session, { ...base, ...entry })));
      return decided.reply;
    }
    const approval = this.approvals?.match(mail);
    if (this.approvals && approval) {
      // A reply to a checkpoint mail decides the checkpoint (or is answered why not); it starts no workflow.
      const decided = await this.approvals.receive(mail, approval, envelope);
      await this.recorder.record(decided.entries.map((entry) => this.entry(session, { ...base, ...entry })));
      return decided.reply;
    }
    const replyAddress = (r: string): boolean =>
      this.replies?.isReplyAddress(r) === true || this.approvals?.isReplyAddress(r) === true;
    if ((this.replies || this.approvals) && envelope.recipients.every(replyAddress)) {
      return refuseAll(
        550,
        'this address takes replies to agent and checkpoint mails only, and this mail answers none (no In-Reply-To or References of one)',
        'to a reply address, but answers no agent or checkpoint mail',
        facts,
      );
    }
    if (mail.autoSubmitted) {
      return refuseAll(
        550,
        'automatic mail (Auto-Submitted) starts no workflow',
        'Auto-Submitted mail (auto-reply or bounce): refused to avoid a mail loop',
        facts,
      );
    }
    const textBytes = Buffer.byteLength(mail.text);
    if (textBytes > this.settings.maxInputBytes) {
      const why = `the text of the message is ${textBytes} bytes; a run's input is limited to ${this.settings.maxInputBytes} bytes`;
      return refuseAll(552, why, why, facts);
    }
    const from = mail.from ?? envelope.sender;

    // One run per bound workflow, even when several recipients lead to it.
    const targets = new Map<string, { binding: EmailBinding; recipient: string }>();
    const entries: InboundEntry[] = [];
    for (const recipient of envelope.recipients) {
      const allowed = this.bindings
        .emailFor(recipient)
        .filter((b) => this.allowList(b).allows(envelope.sender) && this.allowList(b).allows(from));
      if (allowed.length === 0) {
        entries.push(
          this.entry(session, {
            ...base,
            ...facts,
            sender: from,
            recipient,
            reason: `no workflow at ${recipient} accepts mail from ${from}`,
          }),
        );
      }
      for (const binding of allowed)
        if (!targets.has(binding.workflow)) targets.set(binding.workflow, { binding, recipient });
    }

    const started: string[] = [];
    let transient = false;
    for (const { binding, recipient } of targets.values()) {
      const entry = this.entry(session, {
        ...base,
        ...facts,
        sender: from,
        recipient,
        workflow: binding.workflow,
      });
      try {
        const run = await this.starter.execute({
          workflow: binding.workflow,
          inputs: { user_input: mail.text },
          trigger: { kind: 'email', details: triggerDetails(mail, from, recipient) },
          actor: from,
          runId: derivedRunId('email', binding.workflow, mail.messageId ?? `sha256:${mail.digest}`),
        });
        started.push(`run ${run.runId} of ${binding.workflow}`);
        entries.push({
          ...entry,
          status: 'accepted',
          runId: run.runId,
          reason: run.duplicate ? 'redelivered: the run it started before' : undefined,
        });
      } catch (err) {
        const coded = err instanceof ChainmailError && err.status < 500;
        transient ||= !coded;
        entries.push({ ...entry, status: coded ? 'refused' : 'failed', reason: (err as Error).message });
      }
    }
    await this.recorder.record(entries);
    if (started.length > 0) return accept(`OK: started ${started.join('; ')}`);
    if (transient) return refuse(451, 'the run could not be started now; try again later');
    const reason = entries.find((e) => e.reason !== undefined)?.reason ?? 'no workflow accepts this mail';
    return refuse(550, reason);
  }

  private allowList(binding: EmailBinding): SenderAllowList {
    let list = this.allowLists.get(binding);
    if (list === undefined) {
      list = SenderAllowList.forTrigger(binding.allow, this.settings.defaultAllow);
      this.allowLists.set(binding, list);
    }
    return list;
  }

  private entry(session: MailSession, fields: Partial<InboundEntry>): InboundEntry {
    return {
      id: this.newId(),
      channel: 'email',
      receivedAt: this.clock(),
      status: 'refused',
      remoteAddress: session.remoteAddress,
      ...fields,
    };
  }
}

/** The shared contract of an email trigger: what notification threads its reply with. */
function triggerDetails(mail: InboundMail, from: string, to: string): Record<string, unknown> {
  return {
    from,
    to,
    subject: mail.subject ?? '',
    ...(mail.messageId !== undefined ? { messageId: mail.messageId } : {}),
    references: mail.references,
    attachments: mail.attachments,
  };
}
