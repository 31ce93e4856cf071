import type { AgentEntry } from '@chainmail/agents';
import type { StepOutcome } from '@chainmail/engine';
import type { StepInvocation } from '../agent-invoker';
import { RunSecrets } from './run-secrets';
import { withOwnerVariables } from './run-variables';
import { SecretResolvingInvoker } from './secret-resolving-invoker';

const KEY = 'echo-key-7f3a9c';
const OTHER = 'other-secret-55e1';

/** The store as execution sees it: values per owner, unlocked or not. */
function store(values: Record<string, Record<string, string>>, unlocked = true) {
  return {
    unlocked,
    reveal: async (owner: string) => new Map(Object.entries(values[owner] ?? {})),
  };
}

const httpEntry = (config: Record<string, unknown>, extra: Partial<AgentEntry> = {}): AgentEntry => ({
  address: 'echo@',
  kind: 'http',
  description: 'echo',
  source: 'registered',
  config: { url: 'https://echo.example', ...config },
  ...extra,
});

const call = (owner: string): StepInvocation => ({
  runId: 'r1',
  stepId: 's1',
  visit: 1,
  attempt: 1,
  agent: 'echo@',
  input: 'hi',
  owner,
  signal: new AbortController().signal,
});

/** An agent that answers with whatever it was given: the worst case for leaks. */
function echoing(answer: (secrets: Record<string, string>) => StepOutcome) {
  const seen: StepInvocation[] = [];
  return {
    seen,
    invoke: async (c: StepInvocation): Promise<StepOutcome> => {
      seen.push(c);
      return answer(c.secrets ?? {});
    },
  };
}

describe('SecretResolvingInvoker', () => {
  const entry = httpEntry({ headers: { 'X-Api-Key': '{{secrets.ECHO_KEY}}' } });

  it("gives the call the run owner's value and masks it (and the owner's others) in the output", async () => {
    const inner = echoing((s) => ({
      ok: true,
      output: `got ${s.ECHO_KEY} and ${OTHER} and ${Buffer.from(KEY).toString('base64')}`,
      durationMs: 1,
    }));
    const invoker = new SecretResolvingInvoker(
      inner,
      new RunSecrets(
        store({ 'team:t1': { ECHO_KEY: KEY, OTHER_ONE: OTHER }, 'team:t2': { ECHO_KEY: 'not-this-one' } }),
      ),
      () => entry,
    );
    const outcome = await invoker.invoke(call('team:t1'));
    expect(inner.seen[0]?.secrets).toEqual({ ECHO_KEY: KEY });
    expect(outcome).toEqual({ ok: true, output: 'got *** and *** and ***', durationMs: 1 });
  });

  it('masks error messages too', async () => {
    const inner = echoing((s) => ({
      ok: false,
      error: { code: 'AGENT_FAILED', message: `upstream said 500: bad key ${s.ECHO_KEY}`, retryable: true },
      durationMs: 1,
    }));
    const invoker = new SecretResolvingInvoker(
      inner,
      new RunSecrets(store({ 'user:u': { ECHO_KEY: KEY } })),
      () => entry,
    );
    const outcome = await invoker.invoke(call('user:u'));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toBe('upstream said 500: bad key ***');
  });

  it('a missing secret fails the step at once, permanently, naming it, the owner and the command', async () => {
    const inner = echoing(() => ({ ok: true, output: 'called', durationMs: 1 }));
    const invoker = new SecretResolvingInvoker(inner, new RunSecrets(store({ 'team:t2': {} })), () => entry);
    const outcome = await invoker.invoke(call('team:t2'));
    expect(inner.seen).toHaveLength(0);
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: 'SECRET_MISSING',
        retryable: false,
        message: expect.stringContaining(
          'secret ECHO_KEY is not set for team:t2; set it with chainmail secrets set ECHO_KEY --team t2',
        ),
      },
    });
  });

  it("never reads another owner's secret, nor the operator's for a user's entry", async () => {
    const inner = echoing(() => ({ ok: true, output: 'called', durationMs: 1 }));
    const secrets = new RunSecrets(store({ 'user:a': { ECHO_KEY: KEY } }), { ECHO_KEY: 'operator-value' });
    const outcome = await new SecretResolvingInvoker(inner, secrets, () => entry).invoke(call('user:b'));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SECRET_MISSING' } });
    expect(inner.seen).toHaveLength(0);
  });

  it("lets the operator's model binding use the operator's value", async () => {
    const inner = echoing((s) => ({ ok: true, output: `key ${s.MODEL_API_KEY}`, durationMs: 1 }));
    const operatorEntry = httpEntry({ secret: '{{secrets.MODEL_API_KEY}}' }, { registeredBy: 'config' });
    const secrets = new RunSecrets(store({}, false), { MODEL_API_KEY: 'sk-operator-123' });
    const outcome = await new SecretResolvingInvoker(inner, secrets, () => operatorEntry).invoke(
      call('user:any'),
    );
    expect(outcome).toEqual({ ok: true, output: 'key ***', durationMs: 1 });
  });

  it('without a master key, an agent that needs a secret fails naming the settings; one that needs none runs', async () => {
    const inner = echoing(() => ({ ok: true, output: 'called', durationMs: 1 }));
    const locked = new RunSecrets(store({ 'user:u': { ECHO_KEY: KEY } }, false));
    const refused = await new SecretResolvingInvoker(inner, locked, () => entry).invoke(call('user:u'));
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'SECRETS_UNAVAILABLE',
        retryable: false,
        message: expect.stringContaining('CHAINMAIL_MASTER_KEY'),
      },
    });
    const plain = await new SecretResolvingInvoker(inner, locked, () => httpEntry({})).invoke(call('user:u'));
    expect(plain).toEqual({ ok: true, output: 'called', durationMs: 1 });
  });

  it('builtins get no secrets and cost no lookup', async () => {
    let reads = 0;
    const counting = { unlocked: true, reveal: async () => (reads++, new Map<string, string>()) };
    const inner = echoing(() => ({ ok: true, output: 'ok', durationMs: 1 }));
    const builtin: AgentEntry = {
      address: 'echo@',
      kind: 'builtin',
      description: '',
      source: 'builtin',
      config: {},
    };
    await new SecretResolvingInvoker(inner, new RunSecrets(counting), () => builtin).invoke(call('user:u'));
    expect(reads).toBe(0);
    expect(inner.seen[0]?.secrets).toEqual({});
  });
});

describe('withOwnerVariables', () => {
  const start = {
    type: 'StartRun' as const,
    data: {
      commandId: 'c',
      runId: 'r',
      workflow: 'w',
      version: 1,
      inputs: {},
      trigger: { kind: 'api' as const },
      owner: 'team:t1',
      actor: 'u',
      debug: false,
    },
  };

  it("adds the start's owner's variables, and leaves other commands and owners without variables alone", async () => {
    const variables = { valuesOf: async (owner: string) => (owner === 'team:t1' ? { region: 'eu' } : {}) };
    expect(await withOwnerVariables(start, variables)).toEqual({
      ...start,
      data: { ...start.data, vars: { region: 'eu' } },
    });
    const other = { ...start, data: { ...start.data, owner: 'team:t2' } };
    expect(await withOwnerVariables(other, variables)).toBe(other);
    const cancel = { type: 'CancelRun' as const, data: { reason: 'x', by: 'u' } };
    expect(await withOwnerVariables(cancel, variables)).toBe(cancel);
  });
});
