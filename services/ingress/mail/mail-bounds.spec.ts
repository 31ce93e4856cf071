import { MailUnreadable, parseMail } from './inbound-mail';
import { checkMailBounds, MAX_MAIL_HEADERS, MAX_MIME_DEPTH, MAX_MIME_PARTS } from './mail-bounds';

const HEAD = ['From: a@example.com', 'To: b@example.com', 'Subject: s', 'MIME-Version: 1.0'];

/** multipart nested `depth` deep, the innermost holding a text part. */
function nested(depth: number): string {
  let body = ['Content-Type: text/plain', '', 'hello'].join('\r\n');
  for (let level = depth; level >= 1; level--) {
    body = [
      `Content-Type: multipart/mixed;`,
      `\tboundary="b${level}"`,
      '',
      `--b${level}`,
      body,
      `--b${level}--`,
    ].join('\r\n');
  }
  return [...HEAD, body].join('\r\n') + '\r\n';
}

function parts(count: number): string {
  const lines = [...HEAD, 'Content-Type: multipart/mixed; boundary=x', ''];
  for (let i = 0; i < count; i++) lines.push('--x', 'Content-Type: text/plain', '', `part ${i}`);
  lines.push('--x--');
  return lines.join('\r\n');
}

describe('inbound mail bounds', () => {
  it('accepts an ordinary mail, multipart and nested, with folded headers', async () => {
    expect(checkMailBounds(Buffer.from(nested(3)))).toBeUndefined();
    expect(checkMailBounds(Buffer.from(nested(MAX_MIME_DEPTH)))).toBeUndefined();
    const mail = await parseMail(Buffer.from(nested(3)));
    expect(mail.text).toBe('hello');
  });

  it(`refuses MIME nested more than ${MAX_MIME_DEPTH} deep, before mailparser reads it`, async () => {
    expect(checkMailBounds(Buffer.from(nested(MAX_MIME_DEPTH + 1)))).toBe(
      `MIME parts are nested more than ${MAX_MIME_DEPTH} deep`,
    );
    await expect(parseMail(Buffer.from(nested(5000)))).rejects.toThrow(MailUnreadable);
  });

  it(`refuses more than ${MAX_MAIL_HEADERS} header fields and more than ${MAX_MIME_PARTS} parts`, () => {
    const many = [...HEAD, ...Array.from({ length: MAX_MAIL_HEADERS }, (_, i) => `X-H${i}: v`), '', 'body'];
    expect(checkMailBounds(Buffer.from(many.join('\r\n')))).toBe(
      `the message has more than ${MAX_MAIL_HEADERS} header fields`,
    );
    expect(checkMailBounds(Buffer.from(parts(MAX_MIME_PARTS - 1)))).toBeUndefined();
    expect(checkMailBounds(Buffer.from(parts(MAX_MIME_PARTS)))).toBe(
      `the message has more than ${MAX_MIME_PARTS} MIME parts`,
    );
  });

  it('counts a closed multipart as closed: siblings do not add depth', () => {
    const lines = [...HEAD, 'Content-Type: multipart/mixed; boundary=outer', ''];
    for (let i = 0; i < MAX_MIME_DEPTH * 2; i++)
      lines.push(
        '--outer',
        `Content-Type: multipart/alternative; boundary=in${i}`,
        '',
        `--in${i}`,
        '',
        'x',
        `--in${i}--`,
      );
    lines.push('--outer--');
    expect(checkMailBounds(Buffer.from(lines.join('\r\n')))).toBeUndefined();
  });
});
