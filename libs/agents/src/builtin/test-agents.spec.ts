import { AgentError } from '../agent';
import { agentCall } from '../agent-call.fixture';
import { createDefaultDirectory } from '../default-directory';

const directory = createDefaultDirectory();
const invoke = (address: string, input: string, overrides: Parameters<typeof agentCall>[2] = {}) =>
  directory.resolve(address).invoke(agentCall(address, input, overrides));

describe('echo@ and uppercase@', () => {
  it('return their input, as is and in upper case', async () => {
    await expect(invoke('echo@', 'Hello, {{ not a template }}\n')).resolves.toEqual({
      output: 'Hello, {{ not a template }}\n',
    });
    await expect(invoke('uppercase@', 'straße and crm')).resolves.toEqual({ output: 'STRASSE AND CRM' });
  });

  it('refuse a call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(invoke('echo@', 'x', { signal: controller.signal })).rejects.toMatchObject({
      code: 'AGENT_CANCELLED',
      retryable: false,
    });
  });
});

describe('fail@', () => {
  it('always fails retryably, quoting the first 80 characters of its input', async () => {
    const input = `${'a'.repeat(80)}TAIL`;
    const error = await invoke('fail@', input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: true });
    expect((error as AgentError).message).toContain(`"${'a'.repeat(80)}"`);
    expect((error as AgentError).message).not.toContain('TAIL');
    await expect(invoke('fail@', 'again', { attempt: 5 })).rejects.toMatchObject({ code: 'AGENT_FAILED' });
  });
});

describe('flaky@', () => {
  it('fails retryably on attempt 1 and succeeds from attempt 2, every time', async () => {
    for (let round = 0; round < 2; round++) {
      await expect(invoke('flaky@', 'payload', { attempt: 1 })).rejects.toMatchObject({
        code: 'AGENT_FAILED',
        retryable: true,
      });
      await expect(invoke('flaky@', 'payload', { attempt: 2 })).resolves.toEqual({ output: 'payload' });
      await expect(invoke('flaky@', 'payload', { attempt: 7 })).resolves.toEqual({ output: 'payload' });
    }
  });
});

describe('sleep@', () => {
  afterEach(() => jest.useRealTimers());

  it('waits the given milliseconds, in any of the accepted spellings', async () => {
    jest.useFakeTimers();
    for (const [input, ms] of [
      ['250', 250],
      [' 250ms ', 250],
      ['1.5s', 1500],
      ['0', 0],
    ] as const) {
      let settled = false;
      const result = invoke('sleep@', input).then((r) => {
        settled = true;
        return r;
      });
      if (ms > 0) {
        await jest.advanceTimersByTimeAsync(ms - 1);
        expect(settled).toBe(false);
      }
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toEqual({ output: `slept ${ms} ms` });
    }
  });

  it('waits at most 60 seconds', async () => {
    jest.useFakeTimers();
    const result = invoke('sleep@', '3600000');
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(result).resolves.toEqual({ output: 'slept 60000 ms' });
  });

  it('stops at once when the call is cancelled, and clears its timer', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const result = invoke('sleep@', '10000', { signal: controller.signal });
    await jest.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(result).rejects.toMatchObject({ code: 'AGENT_CANCELLED', retryable: false });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the abort reason when the caller aborts with an AgentError (a step timeout)', async () => {
    const controller = new AbortController();
    const result = invoke('sleep@', '10000', { signal: controller.signal });
    const timeout = new AgentError('AGENT_TIMEOUT', 'step timed out after 50 ms', true);
    setTimeout(() => controller.abort(timeout), 20);
    await expect(result).rejects.toBe(timeout);
  });

  it('runs calls side by side (for parallel tests)', async () => {
    const started = performance.now();
    const outputs = await Promise.all([
      invoke('sleep@', '300'),
      invoke('sleep@', '300'),
      invoke('sleep@', '300'),
    ]);
    expect(outputs.map((o) => o.output)).toEqual(['slept 300 ms', 'slept 300 ms', 'slept 300 ms']);
    // One after another would take 900 ms: the margin is for a loaded machine, not a speed target.
    expect(performance.now() - started).toBeLessThan(850);
  });

  it('refuses input that is not a duration, without retry', async () => {
    for (const input of ['soon', '-5', '10 minutes', '']) {
      await expect(invoke('sleep@', input)).rejects.toMatchObject({
        code: 'AGENT_BAD_INPUT',
        retryable: false,
      });
    }
  });
});
