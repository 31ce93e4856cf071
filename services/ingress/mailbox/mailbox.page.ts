import { escapeHtml } from '@chainmail/platform';
import type { CaughtMailDetail } from '@chainmail/persistence';

/** The `/mailbox` page: the newest caught mails with their text bodies. Everything shown is escaped. */
export function mailboxPage(mails: CaughtMailDetail[], catcherOn: boolean): string {
  const note = catcherOn
    ? 'Mail sent by Chainmail to the local mail catcher, newest first. The page refreshes every 10 seconds.'
    : 'The local mail catcher is off (CHAINMAIL_MAIL_CATCHER): outbound mail goes to the configured SMTP server.';
  const items = mails.map(
    (m) => `<article>
  <h2>${escapeHtml(m.subject || '(no subject)')}</h2>
  <dl>
    <dt>From</dt><dd>${escapeHtml(m.from)}</dd>
    <dt>To</dt><dd>${escapeHtml(m.to)}</dd>
    <dt>Date</dt><dd>${escapeHtml(m.date ?? m.receivedAt)}</dd>
    <dt>Message-ID</dt><dd>${escapeHtml(m.messageId ?? '')}</dd>
    ${m.inReplyTo ? `<dt>In-Reply-To</dt><dd>${escapeHtml(m.inReplyTo)}</dd>` : ''}
  </dl>
  <pre>${escapeHtml(m.text ?? '(no text part)')}</pre>
  <p><a href="/v1/mailbox/${m.id}">raw and headers (JSON)</a></p>
</article>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${catcherOn ? '<meta http-equiv="refresh" content="10">' : ''}
<title>Chainmail mailbox</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
article { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
h2 { font-size: 1.1rem; margin: 0.5rem 0; }
dl { display: grid; grid-template-columns: 8rem 1fr; margin: 0; color: #555; font-size: 0.9rem; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.75rem; border-radius: 4px; }
</style>
</head>
<body>
<h1>Chainmail mailbox</h1>
<p>${note}</p>
${items.length > 0 ? items.join('\n') : '<p><em>No mail yet.</em></p>'}
</body>
</html>
`;
}
