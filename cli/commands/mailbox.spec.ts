import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson, type Route } from '../test/fake-api-server';
import { serverEnv } from '../config';

const MAIL = {
  id: 12,
  receivedAt: '2025-03-01T11:55:00.000Z',
  from: '"Chainmail" <chainmail@chainmail.local>',
  to: 'jane@acme.example',
  subject: 'Competitor Analysis Complete',
  date: '2025-03-01T11:55:00.000Z',
  messageId: '<r.done@chainmail.local>',
  inReplyTo: '<req@acme.example>',
};

describe('chainmail mailbox', () => {
  let api: FakeApiServer;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });
  const start = async (routes: Record<string, Route>) => {
    api = await FakeApiServer.start(routes);
  };
  afterEach(async () => {
    await api.close();
  });

  it('lists the caught mail, newest first, and says how to read one', async () => {
    await start({ 'GET /v1/mailbox': (_req, res) => sendJson(res, 200, { catcher: true, mails: [MAIL] }) });
    const result = await run(['mailbox']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /ID +SENT +TO +SUBJECT\n12 +5 m ago +jane@acme.example +Competitor Analysis Complete\n/,
    );
    expect(result.stdout).toContain('Read one with: chainmail mailbox 12');
    expect(api.last('GET', '/v1/mailbox')?.query.get('limit')).toBe('20');
  });

  it('shows one mail with its thread headers and text', async () => {
    await start({
      'GET /v1/mailbox/12': (_req, res) =>
        sendJson(res, 200, {
          ...MAIL,
          references: ['<req@acme.example>'],
          text: 'the report\n\n---\nWorkflow: competitor-analysis\n',
        }),
    });
    const result = await run(['mailbox', '12']);
    expect(result.stdout).toBe(
      [
        'From: "Chainmail" <chainmail@chainmail.local>',
        'To: jane@acme.example',
        'Subject: Competitor Analysis Complete',
        'Date: 2025-03-01T11:55:00.000Z',
        'Message-ID: <r.done@chainmail.local>',
        'In-Reply-To: <req@acme.example>',
        'References: <req@acme.example>',
        '',
        'the report',
        '',
        '---',
        'Workflow: competitor-analysis',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was caught, and when the server does not catch mail', async () => {
    await start({ 'GET /v1/mailbox': (_req, res) => sendJson(res, 200, { catcher: true, mails: [] }) });
    expect((await run(['mailbox'])).stdout).toContain('No mail yet.');
    await api.close();
    await start({ 'GET /v1/mailbox': (_req, res) => sendJson(res, 200, { catcher: false, mails: [] }) });
    expect((await run(['mailbox'])).stdout).toContain('the local mail catcher is off');
  });
});

describe('serverEnv', () => {
  const options = { port: 8080, examplesDir: '/x/examples' };

  it('points outbound mail at the local catcher when no SMTP server is set', () => {
    expect(serverEnv({}, options)).toMatchObject({
      CHAINMAIL_MAIL_CATCHER: 'true',
      CHAINMAIL_SMTP_OUT_URL: 'smtp://127.0.0.1:1025',
    });
    expect(serverEnv({ CHAINMAIL_CATCHER_SMTP_PORT: '2026' }, options).CHAINMAIL_SMTP_OUT_URL).toBe(
      'smtp://127.0.0.1:2026',
    );
  });

  it("keeps the user's own SMTP server, and no catcher", () => {
    const env = serverEnv({ CHAINMAIL_SMTP_OUT_URL: 'smtp://mail.example:587' }, options);
    expect(env.CHAINMAIL_SMTP_OUT_URL).toBe('smtp://mail.example:587');
    expect(env.CHAINMAIL_MAIL_CATCHER).toBeUndefined();
    expect(serverEnv({ CHAINMAIL_MAIL_CATCHER: 'false' }, options).CHAINMAIL_SMTP_OUT_URL).toBeUndefined();
  });
});
