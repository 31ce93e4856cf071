import type { CaughtMailDetail } from '@chainmail/persistence';
import { mailboxPage } from './mailbox.page';

const mail: CaughtMailDetail = {
  id: 7,
  receivedAt: '2030-01-01T09:00:00.000Z',
  from: '"Chainmail" <chainmail@chainmail.local>',
  to: 'jane@acme.example',
  subject: 'Competitor Analysis Complete',
  date: '2030-01-01T09:00:00.000Z',
  messageId: '<r.done@chainmail.local>',
  inReplyTo: '<req@acme.example>',
  envelopeFrom: 'chainmail@chainmail.local',
  envelopeTo: ['jane@acme.example'],
  references: ['<req@acme.example>'],
  text: 'report <script>alert(1)</script>',
  html: null,
  raw: '',
  size: 10,
};

describe('mailboxPage', () => {
  it('lists each mail with its headers and escaped text body', () => {
    const html = mailboxPage([mail], true);
    expect(html).toContain('<h2>Competitor Analysis Complete</h2>');
    expect(html).toContain('&lt;r.done@chainmail.local&gt;');
    expect(html).toContain('report &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<a href="/v1/mailbox/7">');
    expect(html).toContain('http-equiv="refresh"');
  });

  it('says when the catcher is off, and when there is nothing yet', () => {
    const html = mailboxPage([], false);
    expect(html).toContain('The local mail catcher is off');
    expect(html).toContain('No mail yet.');
    expect(html).not.toContain('http-equiv="refresh"');
  });
});
