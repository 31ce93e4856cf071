import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { createTransport } from 'nodemailer';
import type { AgentEntry } from '@chainmail/agents';
import type { RunEvent } from '@chainmail/contracts';
import { evolveAll, initialRunState, type AgentFacts } from '@chainmail/engine';
import { eventLogNames, RunLog } from '@chainmail/event-log';
import {
  commandOf,
  stateSummary,
  type RecordedCommit,
  type RecordedRun,
} from '../../libs/engine/src/testing/replay-log';
import { agentFactsFrom } from '../../services/execution/agent-facts';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { fakeModel, listen, type LocalServer } from '../support/local-agents';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

/**
 * Records the replay fixtures of `libs/engine/src/replays/`: runs each fixture's workflow on the
 * built all-in-one process, reads the run's commits (and their message ids, which say which
 * command each answered) back from the stream, and writes them beside the YAML as `log.json`.
 * The engine's replay test folds and re-decides them. Only on demand, since a recording is a
 * new baseline: `npm run build && RECORD_REPLAYS=1 npx jest test/e2e/record-replays.e2e.ts`.
 */

const REPLAYS = join(ROOT, 'libs', 'engine', 'src', 'replays');
const MAIL_TIMEOUT_MS = 600_000;
const MODEL_PRICES = { 'fake-model': { input: 0.15, output: 0.6 } };
const DESK = 'desk@mail-to-ai.com';

interface AgentSpec {
  kind: AgentEntry['kind'];
  config: Record<string, unknown>;
  concurrency?: number;
}

interface Recipe {
  /** The folder under replays/ holding the YAML (one file per workflow, named by it). */
  dir: string;
  description: string;
  /** Published in this order; the first is the one run. */
  workflows: string[];
  inputs: Record<string, unknown>;
  /** Started paused before each step (step-by-step debugging). */
  debug?: boolean;
  agents?: () => Record<string, AgentSpec>;
  /** What a person or a mailbox does while the run waits. */
  interact?: (runId: string) => Promise<void>;
  ends: 'succeeded' | 'failed' | 'cancelled';
}

const recording = process.env.RECORD_REPLAYS === '1';
/** `RECORD_REPLAYS_ONLY=debug,cancel`: record only these (a new construct, without re-recording the rest). */
const only = process.env.RECORD_REPLAYS_ONLY?.split(',').map((dir) => dir.trim());
let chainmail: ChainmailUnderTest;
let nc: NatsConnection;
let model: LocalServer;
let busy: LocalServer;
let sink: SmtpSink;

const call = <T = unknown>(method: string, path: string, body?: unknown, contentType?: string) =>
  http<T>(chainmail.base, method, path, body, contentType);

const recipes: Recipe[] = [
  {
    dir: 'agent',
    description: 'Two agent steps in a row; the second reads the first one\u2019s output.',
    workflows: ['replay-agent'],
    inputs: { user_input: 'the CRM space' },
    ends: 'succeeded',
  },
  {
    dir: 'switch-goto',
    description:
      'A switch takes its first case (a forward goto); the branch not taken is skipped and the join runs.',
    workflows: ['replay-switch'],
    inputs: { user_input: 'urgent: the server is down' },
    ends: 'succeeded',
  },
  {
    dir: 'goto-loop',
    description: 'on_error goto back to an earlier step loops until max_visits fails the run (LOOP_LIMIT).',
    workflows: ['replay-goto-loop'],
    inputs: { user_input: 'a loop' },
    ends: 'failed',
  },
  {
    dir: 'parallel',
    description:
      'A parallel group of three branches, one failing with on_error skip; the merge reads all three.',
    workflows: ['replay-parallel'],
    inputs: { user_input: 'CRM' },
    ends: 'succeeded',
  },
  {
    dir: 'foreach',
    description: 'A foreach over three items, two at a time, then a step joining the list.',
    workflows: ['replay-foreach'],
    inputs: { competitors: ['Acme', 'Globex', 'Initech'] },
    ends: 'succeeded',
  },
  {
    dir: 'retry',
    description: 'A retryable failure waits for the durable retry timer; the second attempt succeeds.',
    workflows: ['replay-retry'],
    inputs: { user_input: 'try again' },
    ends: 'succeeded',
  },
  {
    dir: 'timeout',
    description:
      'A step runs over its timeout (STEP_TIMEOUT) with on_error continue; the fallback reads the error.',
    workflows: ['replay-timeout'],
    inputs: {},
    ends: 'succeeded',
  },
  {
    dir: 'run-timeout',
    description: 'The run-timeout timer fires while a step still works: RunTimedOut.',
    workflows: ['replay-run-timeout'],
    inputs: {},
    ends: 'failed',
  },
  {
    dir: 'checkpoint-timeout',
    description: 'Nobody decides at a checkpoint: its timer rejects it and the run fails.',
    workflows: ['replay-checkpoint-timeout'],
    inputs: { user_input: 'a contract' },
    ends: 'failed',
  },
  {
    dir: 'cancel',
    description: 'A run cancelled through the API while its step works.',
    workflows: ['replay-cancel'],
    inputs: {},
    interact: async (runId) => {
      await eventually(
        async () => ((await events(runId)).some((e) => e.type === 'StepStarted') ? true : undefined),
        15_000,
        'the step to start',
      );
      // The route reads the run's view, which may trail the log for a moment.
      await eventually(
        async () => ((await call('POST', `/v1/runs/${runId}/cancel`)).status === 202 ? true : undefined),
        15_000,
        'the cancellation to be accepted',
      );
    },
    ends: 'cancelled',
  },
  {
    dir: 'checkpoint',
    description: 'A checkpoint edited (goto back to the draft, a second visit), then approved.',
    workflows: ['replay-checkpoint'],
    inputs: { client: 'ACME Corp' },
    interact: async (runId) => {
      await checkpointOpen(runId, 1);
      await resolve(runId, { action: 'edit', input: 'with a 30-day notice period; ', comment: 'add notice' });
      await checkpointOpen(runId, 2);
      await resolve(runId, { action: 'approve', comment: 'good now' });
    },
    ends: 'succeeded',
  },
  {
    dir: 'debug',
    description:
      'A debug run stepped (once with a replaced input), resumed to its end, then rewound to its last step.',
    workflows: ['replay-debug'],
    inputs: { user_input: 'the CRM space' },
    debug: true,
    interact: async (runId) => {
      await pausedAt(runId, 'research');
      expect((await call('POST', `/v1/runs/${runId}/step`, {})).status).toBe(202);
      await pausedAt(runId, 'summarize');
      expect(
        (await call('POST', `/v1/runs/${runId}/step`, { input: 'a summary written by hand' })).status,
      ).toBe(202);
      await pausedAt(runId, 'publish');
      expect((await call('POST', `/v1/runs/${runId}/resume`)).status).toBe(202);
      const first = await ended(runId);
      expect((await call('POST', `/v1/runs/${runId}/rewind`, { step: 'publish' })).status).toBe(202);
      await eventually(
        async () => {
          const run = await call<{ status: string; lastSeq: number }>('GET', `/v1/runs/${runId}`);
          return run.body.status === 'succeeded' && run.body.lastSeq > first ? true : undefined;
        },
        30_000,
        'the rewound run to end again',
      );
    },
    ends: 'succeeded',
  },
  {
    dir: 'sub-workflow',
    description: 'A workflow step runs a child run; its output comes back as the step\u2019s result.',
    workflows: ['replay-child', 'replay-parent'],
    inputs: { user_input: 'the CRM space' },
    ends: 'succeeded',
  },
  {
    dir: 'budget-refusal',
    description:
      'The second model call would pass max_tokens: refused before it is made (AGENT_BUDGET_EXCEEDED).',
    workflows: ['replay-budget'],
    inputs: { user_input: 'the CRM space' },
    agents: () => ({
      'priced-research@': {
        kind: 'openai',
        config: { baseUrl: `${model.url}/v1`, model: 'fake-model', maxTokens: 500 },
      },
      'priced-summarize@': {
        kind: 'openai',
        config: { baseUrl: `${model.url}/v1`, model: 'fake-model', maxTokens: 500 },
      },
    }),
    ends: 'failed',
  },
  {
    dir: 'deferral',
    description:
      'Two parallel calls to an agent with concurrency 1: one waits (StepDeferred, a resume timer).',
    workflows: ['replay-deferral'],
    inputs: { user_input: 'now' },
    agents: () => ({
      'one-at-a-time@': { kind: 'http', config: { url: `${busy.url}/ask` }, concurrency: 1 },
    }),
    ends: 'succeeded',
  },
  {
    dir: 'email-agent',
    description: 'An email agent: the mail goes out (AgentMailSent), the mailbox\u2019s reply is the output.',
    workflows: ['replay-email'],
    inputs: { user_input: 'the CRM space' },
    agents: () => ({ 'desk@': { kind: 'email', config: { to: DESK, subject: 'Research request' } } }),
    interact: async (runId) => {
      const messageId = `<${runId}.research.1.1@chainmail.local>`;
      await eventually(
        async () => sink.mails.find((m) => m.header('message-id') === messageId),
        15_000,
        'the agent mail',
      );
      const smtp = createTransport({
        host: '127.0.0.1',
        port: Number(chainmail.env.CHAINMAIL_SMTP_PORT),
        secure: false,
        ignoreTLS: true,
      });
      await smtp.sendMail({
        from: `Research Desk <${DESK}>`,
        to: 'agent-replies@chainmail.local',
        subject: 'Re: Research request',
        messageId: `<reply-${runId}@mail-to-ai.com>`,
        inReplyTo: messageId,
        references: [messageId],
        text: 'Acme and Globex lead; Acme on price.\n\n-- \nRita, Research Desk',
      });
      smtp.close();
    },
    ends: 'succeeded',
  },
];

(recording ? describe : describe.skip)('recording the engine replay fixtures', () => {
  beforeAll(async () => {
    model = await fakeModel('MODEL SAYS', { prompt_tokens: 1000, completion_tokens: 2000 });
    busy = await listen(async (body, _req, res) => {
      await new Promise((r) => setTimeout(r, 400));
      const { input } = JSON.parse(body) as { input: string };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ output: `answer to ${input}` }));
    });
    sink = await startSmtpSink();
    chainmail = await startChainmail(['all-in-one'], {
      CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
      CHAINMAIL_MODEL_PRICES: JSON.stringify(MODEL_PRICES),
      CHAINMAIL_AGENT_MAIL_TIMEOUT_MS: String(MAIL_TIMEOUT_MS),
      CHAINMAIL_SMTP_OUT_URL: sink.url,
      CHAINMAIL_MAIL_DOMAIN: 'chainmail.local',
    });
    nc = await connect({ servers: chainmail.natsUrl });
  }, 60_000);

  afterAll(async () => {
    await nc?.drain();
    await chainmail?.stop();
    await Promise.all([model?.close(), busy?.close(), sink?.close()]);
  });

  it.each(recipes.filter((r) => only === undefined || only.includes(r.dir)).map((r) => [r.dir, r] as const))(
    'records %s',
    async (_dir, recipe) => {
      const agents = recipe.agents?.() ?? {};
      for (const [address, spec] of Object.entries(agents)) {
        const put = await call('PUT', `/v1/agents/${address}`, spec);
        expect(put.status).toBe(200);
      }
      for (const workflow of recipe.workflows) {
        const source = await readFile(join(REPLAYS, recipe.dir, `${workflow}.yaml`), 'utf8');
        const published = await call('POST', '/v1/workflows', source, 'application/yaml');
        if (published.status !== 201)
          throw new Error(`publishing ${workflow}: ${published.status} ${JSON.stringify(published.body)}`);
      }
      const started = await call<{ runId: string }>('POST', `/v1/workflows/${recipe.workflows.at(-1)}/runs`, {
        inputs: recipe.inputs,
        ...(recipe.debug === true ? { debug: true } : {}),
      });
      expect(started.status).toBe(202);
      const runId = started.body.runId;
      await recipe.interact?.(runId);
      const status = await eventually(
        async () => {
          const run = await call<{ status: string }>('GET', `/v1/runs/${runId}`);
          return run.status === 200 && !['running', 'waiting'].includes(run.body.status)
            ? run.body.status
            : undefined;
        },
        30_000,
        `${recipe.dir}'s run to end`,
      );
      expect(status).toBe(recipe.ends);

      const runs = await readRuns(runId);
      const owner = (runs[0].commits[0].events[0].data as { owner: string }).owner;
      const log = {
        description: recipe.description,
        recordedBy: 'test/e2e/record-replays.e2e.ts',
        agents: factsOf(agents, recipe.workflows.at(-1) ?? '', owner),
        runs,
      };
      const file = join(REPLAYS, recipe.dir, 'log.json');
      // Written as the repository formats JSON, so a fresh recording passes the format check.
      await writeFile(file, JSON.stringify(log));
      execFileSync(process.execPath, [
        join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
        '--write',
        file,
      ]);
      // Every commit must trace back to the command it answered, or the replay could not re-decide it.
      for (const run of runs) for (const commit of run.commits) commandOf(run.runId, commit);
    },
    60_000,
  );
});

/** Until the run is paused before `step`. */
async function pausedAt(runId: string, step: string): Promise<void> {
  await eventually(
    async () => {
      const run = await call<{ status: string; pausedAt: { step: string } | null }>(
        'GET',
        `/v1/runs/${runId}`,
      );
      return run.body.status === 'paused' && run.body.pausedAt?.step === step ? true : undefined;
    },
    30_000,
    `run ${runId} to pause before ${step}`,
  );
}

/** Until the run has ended; its last sequence then. */
async function ended(runId: string): Promise<number> {
  return eventually(
    async () => {
      const run = await call<{ status: string; lastSeq: number }>('GET', `/v1/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(run.body.status) ? run.body.lastSeq : undefined;
    },
    30_000,
    `run ${runId} to end`,
  );
}

/** The run's commits with their message ids, then those of its child runs (depth first). */
async function readRuns(runId: string): Promise<RecordedRun[]> {
  const names = eventLogNames();
  const jsm = await nc.jetstreamManager();
  const stored = await new RunLog(nc, names).read(runId);
  const commits: RecordedCommit[] = [];
  let state = initialRunState(runId);
  for (const commit of stored) {
    const message = await jsm.streams.getMessage(names.runEventsStream, { seq: commit.seq });
    const msgId = message.header?.get('Nats-Msg-Id') ?? '';
    if (msgId === '') throw new Error(`commit ${commit.seq} of ${runId} has no Nats-Msg-Id`);
    state = evolveAll(state, commit.events);
    const { seq, prev, events } = commit;
    commits.push({ seq, prev, msgId, events, state: stateSummary(state) });
  }
  // The projector's view of the ended run (a child run's may trail its parent's by a moment).
  const body = await eventually(
    async () => {
      const res = await call<RecordedRun['view']>('GET', `/v1/runs/${runId}`);
      return res.status === 200 && !['running', 'waiting'].includes(res.body.status) ? res.body : undefined;
    },
    15_000,
    `the view of run ${runId}`,
  );
  const view = {
    status: body.status,
    output: body.output,
    error: body.error ? { code: body.error.code } : null,
  };
  const workflow = (commits[0].events[0].data as { workflow: string }).workflow;
  const children = commits
    .flatMap((c) => c.events)
    .flatMap((e) => (e.type === 'StepStarted' && e.data.childRunId !== undefined ? [e.data.childRunId] : []));
  const nested = [];
  for (const child of children) nested.push(...(await readRuns(child)));
  return [{ runId, workflow, commits, view }, ...nested];
}

/** What execution's lookup told `decide` of each registered agent (builtins: nothing). */
function factsOf(
  agents: Record<string, AgentSpec>,
  workflow: string,
  owner: string,
): Record<string, AgentFacts> {
  const entries = new Map<string, AgentEntry>(
    Object.entries(agents).map(([address, spec]) => [
      address,
      { address, description: '', source: 'registered', ...spec },
    ]),
  );
  const lookup = agentFactsFrom(
    { entry: (address) => entries.get(address), allows: () => true },
    { prices: MODEL_PRICES, mailTimeoutMs: MAIL_TIMEOUT_MS },
  )(workflow, owner);
  const facts: Record<string, AgentFacts> = {};
  for (const address of entries.keys()) {
    const fact = lookup(address);
    if (fact !== undefined) facts[address] = fact;
  }
  return facts;
}

async function events(runId: string): Promise<RunEvent[]> {
  const res = await call<{ events: RunEvent[] }>('GET', `/v1/runs/${runId}/events`);
  return res.body?.events ?? [];
}

async function checkpointOpen(runId: string, visit: number): Promise<void> {
  await eventually(
    async () => {
      const open = (await events(runId)).some((e) => e.type === 'CheckpointOpened' && e.data.visit === visit);
      return open ? true : undefined;
    },
    15_000,
    `checkpoint visit ${visit}`,
  );
}

async function resolve(runId: string, body: Record<string, unknown>): Promise<void> {
  const res = await call('POST', `/v1/runs/${runId}/checkpoints/review`, body);
  expect(res.status).toBe(202);
}
