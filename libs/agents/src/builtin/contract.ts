import { requireText } from './builtin-agent';

/**
 * `write-contract@`: drafts a services agreement in Markdown for the client named in the input
 * ("Draft contract for Acme Corp"). A deterministic template with the client's name filled in and
 * every term a person must decide left as a visible blank: a starting point for the human review
 * the seed's example puts right after it, never a contract to sign unread.
 */
export function draftContract(input: string): string {
  const text = requireText('write-contract@', input).trim();
  const client = clientOf(text);
  return [
    `# Services Agreement — ${client}`,
    '',
    '> Draft prepared by Chainmail’s offline contract template. Every `[bracketed]` term must be',
    '> completed and the whole draft reviewed by a person before it is sent.',
    '',
    '## 1. Parties',
    '',
    `This agreement is between **[Provider legal name]** ("Provider") and **${client}** ("Client").`,
    '',
    '## 2. Services',
    '',
    'Provider will deliver the services described in Schedule A ("Services"). Changes to the',
    'Services take effect only when both parties agree to them in writing.',
    '',
    '## 3. Term and termination',
    '',
    '- Start date: [date]. The agreement runs for [12 months] and renews only by written agreement.',
    '- Either party may end the agreement with [30 days] written notice.',
    '- Either party may end it at once if the other materially breaches it and does not cure the breach within [15 days] of notice.',
    '',
    '## 4. Fees and payment',
    '',
    '- Fees: [amount and basis, e.g. fixed monthly fee or hourly rate].',
    '- Invoices are payable within [30 days]; late amounts bear interest at [rate].',
    '',
    '## 5. Confidentiality',
    '',
    'Each party keeps the other’s confidential information secret and uses it only to perform this',
    'agreement, during its term and for [3 years] after it ends.',
    '',
    '## 6. Liability',
    '',
    'Except for breaches of confidentiality, neither party is liable for indirect or consequential',
    'losses, and each party’s total liability is limited to the fees paid in the [12 months] before the claim.',
    '',
    '## 7. Governing law',
    '',
    'This agreement is governed by the laws of [jurisdiction].',
    '',
    '## Signatures',
    '',
    '| Provider | Client |',
    '| --- | --- |',
    `| Name: [name] | Name: [name], ${client} |`,
    '| Date: [date] | Date: [date] |',
    '',
    '## Schedule A — Services',
    '',
    `Requested: ${text}`,
  ].join('\n');
}

/** "Draft contract for Acme Corp." → "Acme Corp"; without a "for …", the whole request. */
function clientOf(text: string): string {
  const match = /\bfor\s+(.+?)[.!]?$/is.exec(text.split('\n')[0] ?? text);
  const client = (match?.[1] ?? text).trim();
  return client.length > 0 && client.length <= 120 ? client : 'the Client';
}

/**
 * `email-sender@`: the offline stand-in of an agent that sends mail. It does not send anything
 * and says so, naming the address it was asked to write to, so a run on the default install is
 * honest about what happened. Bind `email-sender@` to a real mailbox agent to send.
 */
export function emailSenderStandIn(input: string): string {
  const text = requireText('email-sender@', input).trim();
  const address = /[^\s<>"']+@[^\s<>"']+\.[^\s<>"'.,;]+/.exec(text)?.[0];
  return [
    'Offline email stand-in: no mail was sent.',
    address
      ? `It would have sent this to ${address}. Bind email-sender@ to a mail agent to send for real.`
      : 'No recipient address was found in the request. Bind email-sender@ to a mail agent to send for real.',
    '',
    `Request: ${text}`,
  ].join('\n');
}
