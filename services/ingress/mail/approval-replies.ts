import { findCheckpointMail, type CheckpointMailKey } from '@chainmail/agents';
import { bareAddress } from '@chainmail/identity';
import type { CheckpointState } from '@chainmail/persistence';
import { approvalReplyText } from '../approvals/approval-reply-text';
import type { ApproverDecisionUseCase } from '../approvals/approver-decision.usecase';
import type { ReplyDecision } from './agent-replies';
import type { InboundEntry } from '../inbound/inbound-record';
import type { InboundMail } from './inbound-mail';
import type { ReplyMailer } from './reply-mailer';
import type { MailEnvelope, SmtpReply } from './smtp-reply';

export interface ApprovalReplySettings {
  /** The domain of checkpoint mails' Message-IDs (`CHAINMAIL_MAIL_DOMAIN`). */
  domain: string;
  /** The Reply-To of checkpoint mails (`approvals@<domain>`): accepted at RCPT TO though no workflow is bound to it. */
  replyAddress: string;
}

/**
 * Replies to checkpoint mails. A mail whose `In-Reply-To`/`References` names a checkpoint mail
 * (`<run.step.visit.approval@domain>`) decides that checkpoint visit: its first word `approve` or
 * `reject` (a comment may follow), any other text an edit (quotes and signature stripped). Only
 * an approver of the checkpoint decides; anyone else gets a polite refusal by mail, and a reply to
 * a visit decided already is answered saying so — in both cases nothing changes. Automatic mail
 * (out-of-office) decides nothing and is not answered. Every decision is recorded in `inbound_messages`.
 */
export class ApprovalReplies {
  constructor(
    private readonly decisions: ApproverDecisionUseCase,
    private readonly mailer: ReplyMailer,
    private readonly settings: ApprovalReplySettings,
  ) {}

  isReplyAddress(recipient: string): boolean {
    return bareAddress(recipient) === bareAddress(this.settings.replyAddress);
  }

  /** The checkpoint mail this mail answers, if any. */
  match(mail: InboundMail): { key: CheckpointMailKey; messageId: string } | undefined {
    return findCheckpointMail(
      { inReplyTo: mail.inReplyTo, references: mail.references },
      this.settings.domain,
    );
  }

  async receive(
    mail: InboundMail,
    answered: { key: CheckpointMailKey; messageId: string },
    envelope: MailEnvelope,
  ): Promise<ReplyDecision> {
    const { runId, stepId, visit } = answered.key;
    const from = mail.from ?? envelope.sender;
    const where = `checkpoint "${stepId}" of run ${runId}`;
    const decide = (
      reply: SmtpReply,
      reason: string,
      status: InboundEntry['status'],
      workflow?: string,
    ): ReplyDecision => ({
      reply,
      entries: envelope.recipients.map((recipient) => ({
        sender: from,
        subject: mail.subject,
        messageId: mail.messageId,
        runId,
        recipient,
        status,
        reason,
        ...(workflow !== undefined ? { workflow } : {}),
      })),
    });
    // Told, and nothing changes: the mail is taken (250) so that the sender's server sends no bounce.
    const answeredWith = async (reason: string, checkpoint: CheckpointState, text: string[]) => {
      // A mail with no envelope sender (a bounce) is never answered: no mail loop, no backscatter.
      if (envelope.sender !== '') await this.answer(mail, from, `Re: ${mail.subject ?? where}`, text);
      return decide({ accept: true, message: `OK: ${reason}` }, reason, 'refused', checkpoint.workflow);
    };

    if (mail.autoSubmitted) {
      const why = `automatic mail (Auto-Submitted) does not decide ${where}`;
      return decide({ accept: false, code: 550, message: why }, why, 'refused');
    }
    const answer = approvalReplyText(mail.text);
    const checkpoint = await this.decisions.checkpoint(answered.key);
    if (checkpoint === null) {
      const why = `${answered.messageId} names ${where}, which does not exist`;
      return decide({ accept: false, code: 550, message: why }, why, 'refused');
    }
    if (!(await this.decisions.isApprover(checkpoint, from))) {
      return answeredWith(`${from} is not an approver of ${where}`, checkpoint, [
        'Thank you for your reply.',
        '',
        `Only the approvers of the checkpoint "${stepId}" of ${checkpoint.workflow} can decide on it, and ${bareAddress(from)} is not one of them, so your reply changed nothing.`,
        '',
        "If you should be able to decide, ask the workflow's owner to add your address to the checkpoint's approvers:.",
      ]);
    }
    if (!checkpoint.open || checkpoint.visit !== visit) {
      return answeredWith(`${where} (round ${visit}) was decided already`, checkpoint, [
        'Thank you for your reply.',
        '',
        `${decidedAlready(checkpoint, visit)} Your reply changed nothing.`,
      ]);
    }
    if (answer === undefined) {
      return answeredWith(`the reply to ${where} had no text of its own`, checkpoint, [
        `Your reply had no text of its own, so the checkpoint "${stepId}" of ${checkpoint.workflow} still waits.`,
        '',
        'Reply again with approve, or reject (a comment may follow), or the new input as your whole text.',
      ]);
    }
    const outcome = await this.decisions.decide(answered.key, from, answer, 'mail');
    switch (outcome.kind) {
      case 'decided': {
        const reason = `${answer.action} of ${where} by ${bareAddress(from)}`;
        return decide({ accept: true, message: `OK: ${reason}` }, reason, 'accepted', checkpoint.workflow);
      }
      case 'closed':
        return answeredWith(`${where} (round ${visit}) was decided already`, outcome.checkpoint, [
          'Thank you for your reply.',
          '',
          `${decidedAlready(outcome.checkpoint, visit)} Your reply changed nothing.`,
        ]);
      case 'not-approver':
        return answeredWith(`${from} is not an approver of ${where}`, outcome.checkpoint, [
          `Only the approvers of the checkpoint "${stepId}" can decide on it; your reply changed nothing.`,
        ]);
      case 'unknown': {
        const why = `${where} does not exist`;
        return decide({ accept: false, code: 550, message: why }, why, 'refused');
      }
    }
  }

  private async answer(mail: InboundMail, to: string, subject: string, lines: string[]): Promise<void> {
    await this.mailer.send({
      to,
      subject,
      text: `${lines.join('\n')}\n\n-- \nChainmail\n`,
      inReplyTo: mail.messageId,
      references: [...mail.references, ...(mail.messageId !== undefined ? [mail.messageId] : [])].slice(-20),
    });
  }
}

/** "The checkpoint … was approved by jane@… (by mail) at …": what the visit came to. */
function decidedAlready(checkpoint: CheckpointState, visit: number): string {
  const name = `The checkpoint "${checkpoint.stepId}" of ${checkpoint.workflow}`;
  if (checkpoint.visit > visit)
    return `${name} has been reopened since (round ${checkpoint.visit}): answer its newest mail.`;
  const d = checkpoint.decision;
  if (d === null || checkpoint.visit !== visit)
    return `${name} no longer waits for a decision (the run went on or ended).`;
  const verb = { approve: 'approved', reject: 'rejected', edit: 'edited' }[d.action];
  const via = d.via !== undefined ? ` (${viaWords[d.via]})` : '';
  return `${name} was ${verb} by ${d.by}${via}${d.at !== undefined ? ` at ${d.at}` : ''}.`;
}

const viaWords: Record<string, string> = {
  api: 'through the API',
  cli: 'with the CLI',
  mail: 'by mail',
  link: 'through a link',
};
