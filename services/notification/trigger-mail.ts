import type { TriggerInfo } from '@chainmail/contracts';

/** The mail that started a run, as far as a reply to it needs (shared contract of email triggers). */
export interface TriggerMail {
  /** The sender: the default recipient of every notification of the run. */
  from?: string;
  /** The trigger address it was sent to (`competitor-intel@…`): where a reply starts the workflow again. */
  to?: string;
  subject?: string;
  messageId?: string;
  references: string[];
}

/** Reads `trigger.details` of an email-triggered run; free-form data, so each field is checked. */
export function triggerMail(trigger: TriggerInfo): TriggerMail | undefined {
  if (trigger.kind !== 'email') return undefined;
  const d = trigger.details ?? {};
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const references = Array.isArray(d.references)
    ? d.references.filter((r): r is string => typeof r === 'string' && isMessageId(r))
    : [];
  const messageId = text(d.messageId);
  return {
    from: text(d.from),
    to: text(d.to),
    subject: text(d.subject),
    messageId: messageId !== undefined && isMessageId(messageId) ? messageId : undefined,
    references,
  };
}

/** `<local@domain>` with nothing that could break a header line. */
export function isMessageId(value: string): boolean {
  return /^<[^<>\s]+>$/.test(value);
}
