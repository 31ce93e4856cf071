import { stripReply } from './strip-reply';

const lines = (...text: string[]): string => text.join('\r\n');

describe('stripReply', () => {
  it('drops a Gmail attribution and the quoted mail below it', () => {
    expect(
      stripReply(
        lines(
          'Three competitors matter: Acme, Globex and Initech.',
          '',
          'Acme leads on price.',
          '',
          'On Mon, Jan 5, 2026 at 10:02 AM Chainmail <chainmail@chainmail.local> wrote:',
          '',
          '> Research competitors for: Analyze our competitors in the CRM space',
          '>',
        ),
      ),
    ).toBe('Three competitors matter: Acme, Globex and Initech.\n\nAcme leads on price.');
  });

  it('recognises an attribution the client wrapped over two lines (Apple Mail, Thunderbird)', () => {
    expect(
      stripReply(
        lines(
          'Done, see below.',
          '',
          'On 5 Jan 2026, at 10:02, Chainmail Research Desk <',
          'chainmail@chainmail.local> wrote:',
          '',
          '> Research competitors',
        ),
      ),
    ).toBe('Done, see below.');
  });

  it.each([
    ['Le lun. 5 janv. 2026 à 10:02, Chainmail <c@x.example> a écrit :'],
    ['Am 05.01.2026 um 10:02 schrieb Chainmail <c@x.example>:'],
    ['El lun, 5 ene 2026 a las 10:02, Chainmail (<c@x.example>) escribió:'],
    ['Op ma 5 jan. 2026 om 10:02 schreef Chainmail <c@x.example>:'],
  ])('drops the history after %s', (attribution) => {
    expect(stripReply(lines('Réponse.', '', attribution, '> question'))).toBe('Réponse.');
  });

  it('drops Outlook\u2019s "-----Original Message-----" block', () => {
    expect(
      stripReply(
        lines(
          'Findings attached inline:',
          '- Acme: cheapest',
          '',
          '-----Original Message-----',
          'From: Chainmail <chainmail@chainmail.local>',
          'Sent: Monday, January 5, 2026 10:02 AM',
          'To: research@mail-to-ai.com',
          'Subject: competitor-analysis: research',
          '',
          'Research competitors for: CRM',
        ),
      ),
    ).toBe('Findings attached inline:\n- Acme: cheapest');
  });

  it('drops Outlook\u2019s header block after a line of underscores, and without one', () => {
    const block = [
      'From: Chainmail <chainmail@chainmail.local>',
      'Sent: Monday, January 5, 2026 10:02',
      'To: Research',
      'Subject: research',
      '',
      'Research competitors for: CRM',
    ];
    expect(stripReply(lines('Answer one.', '', '________________________________', ...block))).toBe(
      'Answer one.',
    );
    expect(stripReply(lines('Answer two.', '', ...block))).toBe('Answer two.');
  });

  it('keeps inline answers and drops the quoted lines between them', () => {
    expect(
      stripReply(
        lines('> Who are the players?', 'Acme and Globex.', '', '> What about pricing?', 'Acme is cheaper.'),
      ),
    ).toBe('Acme and Globex.\n\nAcme is cheaper.');
  });

  it('drops a signature after the "-- " delimiter, and after a bare "--"', () => {
    expect(stripReply(lines('The answer.', '', '-- ', 'Rita Research', 'Mail-to-AI Inc.'))).toBe(
      'The answer.',
    );
    expect(stripReply(lines('The answer.', '--', 'Rita'))).toBe('The answer.');
  });

  it.each([
    'Sent from my iPhone',
    'Get Outlook for iOS',
    'Sent from Mail for Windows',
    'Von meinem iPhone gesendet',
  ])('drops the mobile footer "%s"', (footer) => {
    expect(stripReply(lines('Short answer.', '', footer))).toBe('Short answer.');
  });

  it('handles a signature and quoted history together', () => {
    expect(
      stripReply(
        lines(
          'Globex is growing fastest.',
          '',
          'Sent from my iPhone',
          '',
          'On Jan 5, 2026, at 10:02, Chainmail <c@chainmail.local> wrote:',
          '> Research',
        ),
      ),
    ).toBe('Globex is growing fastest.');
  });

  it('keeps a "--" inside the text that is not a line of its own, and "From:" in prose', () => {
    expect(stripReply('Prices -- as of today -- are flat.\nFrom: the vendor sites.')).toBe(
      'Prices -- as of today -- are flat.\nFrom: the vendor sites.',
    );
  });

  it('keeps the whole text when stripping would leave nothing', () => {
    expect(stripReply('> only a quote\n> nothing else')).toBe('> only a quote\n> nothing else');
  });
});
