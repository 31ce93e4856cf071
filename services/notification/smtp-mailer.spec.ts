import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { createMailSender, smtpFailure, smtpOptions, UnconfiguredMailer } from './smtp-mailer';
import { retryDelayMs } from './notification.settings';
import { signatureOf } from './webhook-payload';

describe('smtpOptions', () => {
  it('takes a URL as it is, pooled, with short timeouts', () => {
    const options = smtpOptions(loadConfig({ CHAINMAIL_SMTP_OUT_URL: 'smtp://u:p@mail.example:587' }));
    expect(options).toMatchObject({
      pool: true,
      url: 'smtp://u:p@mail.example:587',
      connectionTimeout: 10_000,
    });
  });

  it('builds the server from host, port, TLS and credentials', () => {
    const options = smtpOptions(
      loadConfig({
        CHAINMAIL_SMTP_OUT_HOST: 'mail.example',
        CHAINMAIL_SMTP_OUT_PORT: '465',
        CHAINMAIL_SMTP_OUT_SECURE: 'true',
        CHAINMAIL_SMTP_OUT_USER: 'bot',
        CHAINMAIL_SMTP_OUT_PASS: 's3cret',
      }),
    );
    expect(options).toMatchObject({
      host: 'mail.example',
      port: 465,
      secure: true,
      auth: { user: 'bot', pass: 's3cret' },
    });
  });

  it('is undefined without a server, and the sender then fails every mail for good, saying what to set', async () => {
    const config = loadConfig({});
    expect(smtpOptions(config)).toBeUndefined();
    const sender = createMailSender(config);
    expect(sender).toBeInstanceOf(UnconfiguredMailer);
    await expect(sender.send({} as never)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('CHAINMAIL_SMTP_OUT_URL'),
    });
  });
});

describe('smtpFailure', () => {
  it.each([
    [{ responseCode: 451, message: 'try later' }, false],
    [{ responseCode: 421, message: 'closing' }, false],
    [{ responseCode: 503, message: 'bad sequence' }, false],
    [{ responseCode: 550, message: 'no such user' }, true],
    [{ responseCode: 535, code: 'EAUTH', message: 'bad credentials' }, true],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1025' }, false],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, false],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, true],
  ])('%j → permanent %s', (err, permanent) => {
    expect(smtpFailure(Object.assign(new Error(err.message), err)).permanent).toBe(permanent);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap: five webhook attempts span about two minutes', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 8_000, maxDelayMs: 64_000 };
    const delays = [1, 2, 3, 4].map((n) => retryDelayMs(policy, n));
    expect(delays).toEqual([8_000, 16_000, 32_000, 64_000]);
    expect(delays.reduce((a, b) => a + b)).toBe(120_000);
    expect(retryDelayMs(policy, 9)).toBe(64_000);
  });
});

describe('signatureOf', () => {
  it('is the hex HMAC-SHA256 of the body with the secret (RFC 4231 test case 2)', () => {
    expect(signatureOf('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
