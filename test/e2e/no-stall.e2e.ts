import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SmtpDialogue } from '../../services/ingress/testing/smtp-dialogue';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * No request stalls the server: hostile definitions, bodies and mails each get their clear
 * refusal while `/readyz` keeps answering, through the built all-in-one process. Latency is
 * asserted with a wide margin (before the bounds and the worker pool, one of these inputs
 * held every request for seconds); speed itself is the bench's business.
 */

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Issue[] } };
}
interface Issue {
  code: string;
  message: string;
  path: string;
  line?: number;
  column?: number;
  hint?: string;
}

const READYZ_MAX_MS = 750;
const STEP = 'steps:\n  - id: a\n    agent: research@\n';

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', seed, 'application/yaml')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

/** Asks `/readyz` every 25 ms until stopped; every answer's status and time. */
function probeReadiness(base: string): { stop: () => Promise<{ status: number; ms: number }[]> } {
  const answers: { status: number; ms: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
        (res) => res.status,
        () => 0,
      );
      answers.push({ status, ms: performance.now() - started });
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

const yaml = (source: string) =>
  http<ErrorBody>(chainmail.base, 'POST', '/v1/workflows', source, 'application/yaml');

function theIssue(answer: { status: number; body: ErrorBody }): Issue {
  // The body with the status: a wrong answer shows what it was.
  expect([answer.status, answer.status === 422 ? '' : JSON.stringify(answer.body)]).toEqual([422, '']);
  expect(answer.body.error.code).toBe('WORKFLOW_INVALID');
  const issues = answer.body.error.details?.issues ?? [];
  expect(issues.length).toBeGreaterThan(0);
  return issues[0];
}

function deepMime(depth: number): string {
  let body = 'Content-Type: text/plain\r\n\r\nhello';
  for (let level = depth; level >= 1; level--)
    body = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${body}\r\n--b${level}--`;
  return `From: jane@acme.example\r\nTo: competitor-intel@mail-to-ai.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${body}\r\n`;
}

async function sendMail(port: number, data: string): Promise<string> {
  const { dialogue } = await SmtpDialogue.open(port);
  try {
    await dialogue.send('EHLO e2e.example');
    await dialogue.send('MAIL FROM:<jane@acme.example>');
    await dialogue.send('RCPT TO:<competitor-intel@mail-to-ai.com>');
    await dialogue.send('DATA');
    return await dialogue.sendData(data);
  } finally {
    await dialogue.close();
  }
}

it('answers each hostile input with its clear refusal while /readyz keeps answering', async () => {
  // The corpus is built before probing: the test's own CPU work must not count as the server's.
  const parens = `name: w\n${STEP}    input: "{{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}"\n`;
  const bigMap = `name: w\n${STEP}vars:\n${Array.from({ length: 40_000 }, (_, i) => `  k${i}: v${i}`).join('\n')}\n`;
  const unknownKeys = `{name: w, steps: [{id: a, agent: research@}], ${Array.from({ length: 10_000 }, (_, i) => `unknown_key_${i}: 1`).join(', ')}}`;
  const deepYaml = `name: w\n${STEP}vars:\n  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
  const bomb = ['  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    bomb.push(
      `  a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const aliasBomb = `name: w\n${STEP}vars:\n${bomb.join('\n')}\n`;
  const longTemplate = `name: w\n${STEP}    input: "${'x'.repeat(70_000)}"\n`;
  const overLimit = `name: w\n${STEP}description: "${'x'.repeat(1024 * 1024)}"\n`;
  const deepJson = '{"inputs": {"user_input": ' + '['.repeat(300_000) + ']'.repeat(300_000) + '}}';
  const deepJsonDefinition =
    '{"name": "w", "vars": {"x": ' + '['.repeat(300_000) + ']'.repeat(300_000) + '}}';
  const mime = deepMime(5000);
  const headers = `From: jane@acme.example\r\nSubject: h\r\n${Array.from({ length: 50_000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\nbody`;
  const items = Array.from({ length: 3000 }, (_, x) => ({ x }));
  const slow = [
    'name: slow-filter',
    'inputs:',
    '  - { name: items, type: array }',
    '  - { name: ids, type: array }',
    'steps:',
    '  - id: a',
    '    agent: echo@',
    '    input: "{{ items[.x in ids] | length }}"',
  ].join('\n');
  const smtpPort = Number(chainmail.env.CHAINMAIL_SMTP_PORT);

  const probe = probeReadiness(chainmail.base);
  try {
    const deepParens = theIssue(await yaml(parens));
    expect(deepParens).toMatchObject({ code: 'TOO_LARGE', path: 'steps[0].input', line: 5 });
    expect(deepParens.message).toContain('the limit is');

    const keys = theIssue(await yaml(bigMap));
    expect(keys).toMatchObject({ code: 'TOO_LARGE', path: 'vars', line: 262, column: 3 });
    expect(keys.message).toContain('more than 256 keys');
    expect(keys.hint).toBeDefined();

    expect(theIssue(await yaml(unknownKeys)).code).toBe('TOO_LARGE');

    const nested = theIssue(await yaml(deepYaml));
    expect(nested).toMatchObject({ code: 'TOO_LARGE', line: 6 });
    expect(nested.message).toContain('nested more than 32 levels deep');

    expect(theIssue(await yaml(aliasBomb)).message).toContain('aliases');
    expect(theIssue(await yaml(longTemplate)).message).toContain('the limit is 65536');

    const tooBig = await yaml(overLimit);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const validate = await http<ErrorBody>(
      chainmail.base,
      'POST',
      '/v1/workflows/validate',
      deepJsonDefinition,
      'application/json',
    );
    expect(theIssue(validate)).toMatchObject({ code: 'TOO_LARGE', line: 1 });

    const deepInputs = await http<ErrorBody>(
      chainmail.base,
      'POST',
      '/v1/workflows/competitor-analysis/runs',
      deepJson,
    );
    expect(deepInputs.status).toBe(422);
    expect(deepInputs.body.error.message).toContain('nested more than 64 levels deep');

    expect(await sendMail(smtpPort, mime)).toMatch(/^550 .*nested more than 16 deep/);
    expect(await sendMail(smtpPort, headers)).toMatch(/^550 .*more than 1000 header fields/);

    expect((await yaml(slow)).status).toBe(201);
    const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/slow-filter/runs', {
      inputs: { items, ids: items.map((item) => item.x) },
    });
    expect(started.status).toBe(202);
    const run = await eventually(
      async () => {
        const { body } = await http<{ status: string; error?: unknown; steps: { error?: unknown }[] }>(
          chainmail.base,
          'GET',
          `/v1/runs/${started.body.runId}`,
        );
        return body.status === 'running' ? undefined : body;
      },
      30_000,
      'the run with the long filter to end',
    );
    expect(run.status).toBe('failed');
    expect(JSON.stringify(run)).toContain('steps to evaluate');
  } finally {
    const answers = await probe.stop();
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(READYZ_MAX_MS);
  }
}, 180_000);
