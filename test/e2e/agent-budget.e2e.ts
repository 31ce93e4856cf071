import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { fakeModel, type LocalServer } from '../support/local-agents';

/**
 * A run's budget (`limits:`) is checked before each call: with research@ and summarize@ bound to a
 * model that reports usage, the seed's steps under `max_tokens` stop at summarize, whose call is
 * never made, and the run fails saying what was spent against which limit.
 */

let chainmail: ChainmailUnderTest;
/** The API of the Chainmail under test, with its admin token. */
const call = <T = unknown>(method: string, path: string, body?: unknown, contentType?: string) =>
  http<T>(chainmail.base, method, path, body, contentType);
let model: LocalServer;

interface RunBody {
  status: string;
  error: { code: string; message: string; stepId?: string } | null;
  steps: {
    stepId: string;
    status: string;
    usage: Record<string, number> | null;
    error: { code: string } | null;
  }[];
}

const BUDGETED = `
name: budgeted-analysis
limits:
  max_tokens: 2500
  max_cost: 1
steps:
  - name: research
    agent: research@
    input: "Research competitors for: {{user_input}}"
  - name: summarize
    agent: summarize@
    input: "Summarize this research: {{research.output}}"
  - name: draft
    agent: write-report@
    input: "{{summarize.output}}"
`;

beforeAll(async () => {
  model = await fakeModel('MODEL SAYS', { prompt_tokens: 1000, completion_tokens: 2000 });
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
    CHAINMAIL_MODEL_PRICES: JSON.stringify({ 'fake-model': { input: 0.15, output: 0.6 } }),
  });
  for (const address of ['research@', 'summarize@']) {
    const put = await call('PUT', `/v1/agents/${address}`, {
      kind: 'openai',
      config: { baseUrl: `${model.url}/v1`, model: 'fake-model', maxTokens: 500 },
    });
    expect(put.status).toBe(200);
  }
  expect((await call('POST', '/v1/workflows', BUDGETED, 'application/yaml')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await model?.close();
});

it('refuses the second model call before making it, and fails the run naming the budget', async () => {
  const started = await call<{ runId: string }>('POST', '/v1/workflows/budgeted-analysis/runs', {
    inputs: { user_input: 'Analyze our competitors in the CRM space' },
  });
  expect(started.status).toBe(202);
  const run = await eventually(
    async () => {
      const { status, body } = await call<RunBody>('GET', `/v1/runs/${started.body.runId}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    'the run to end',
  );
  expect(model.requests).toHaveLength(1);
  expect(run.status).toBe('failed');
  expect(run.error).toMatchObject({
    code: 'AGENT_BUDGET_EXCEEDED',
    stepId: 'summarize',
    message: 'step "summarize" did not call summarize@: the run has used 3000 tokens of its max_tokens 2500',
  });
  const research = run.steps.find((s) => s.stepId === 'research');
  expect(research).toMatchObject({
    status: 'succeeded',
    usage: { promptTokens: 1000, completionTokens: 2000 },
  });
  expect(run.steps.find((s) => s.stepId === 'summarize')).toMatchObject({
    status: 'failed',
    error: { code: 'AGENT_BUDGET_EXCEEDED' },
  });
  expect(run.steps.find((s) => s.stepId === 'draft')).toBeUndefined();
});
