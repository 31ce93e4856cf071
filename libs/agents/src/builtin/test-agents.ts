import { abortError, Agent, AgentCall, AgentError, AgentResult } from '../agent';
import { builtinAgent } from './builtin-agent';

const MAX_SLEEP_MS = 60_000;

/** Instant and misbehaving agents for tests, demos and the benchmark. */
export function testAgents(): Agent[] {
  return [
    builtinAgent('echo@', 'Returns its input unchanged.', (input) => input),
    builtinAgent('uppercase@', 'Returns its input in upper case.', (input) => input.toUpperCase()),
    builtinAgent(
      'fail@',
      'Always fails with a retryable AGENT_FAILED error (for testing failure handling).',
      (input) => {
        throw new AgentError(
          'AGENT_FAILED',
          `fail@ always fails (input: ${JSON.stringify(input.slice(0, 80))})`,
          true,
        );
      },
    ),
    builtinAgent(
      'flaky@',
      'Fails retryably on the first attempt and returns its input from the second on.',
      (input, call) => {
        if (call.attempt <= 1)
          throw new AgentError(
            'AGENT_FAILED',
            `flaky@ fails on attempt ${call.attempt}; retry to succeed`,
            true,
          );
        return input;
      },
    ),
    sleepAgent,
  ];
}

/** Waits the number of milliseconds in its input (capped at 60 s); the call's signal cuts it short. */
const sleepAgent: Agent = {
  address: 'sleep@',
  kind: 'builtin',
  description:
    'Waits the given number of milliseconds (e.g. "250", "250ms", "1.5s"; at most 60 s), then returns.',
  invoke(call: AgentCall): Promise<AgentResult> {
    const { signal } = call;
    if (signal.aborted) return Promise.reject(abortError(signal, 'sleep@'));
    let ms: number;
    try {
      ms = Math.min(MAX_SLEEP_MS, parseDuration(call.input));
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AgentResult>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal, 'sleep@'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve({ output: `slept ${ms} ms` });
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  },
};

function parseDuration(input: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/i.exec(input);
  if (!match)
    throw new AgentError(
      'AGENT_BAD_INPUT',
      `sleep@ needs a number of milliseconds, got ${JSON.stringify(input.slice(0, 80))}`,
      false,
    );
  const value = Number(match[1]);
  return Math.round(match[2]?.toLowerCase() === 's' ? value * 1000 : value);
}
