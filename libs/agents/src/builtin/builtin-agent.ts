import { abortError, Agent, AgentCall, AgentError, AgentResult } from '../agent';

/**
 * Synchronous text work as an agent: refuses an already-aborted call, turns throws into
 * `AgentError`s. `work` must be a pure function of the input and attempt: such an agent is instant.
 */
export function builtinAgent(
  address: string,
  description: string,
  work: (input: string, call: AgentCall) => string,
): Agent {
  return {
    address,
    kind: 'builtin',
    description,
    instant: true,
    invoke(call: AgentCall): Promise<AgentResult> {
      if (call.signal.aborted) return Promise.reject(abortError(call.signal, address));
      try {
        return Promise.resolve({ output: work(call.input, call) });
      } catch (err) {
        return Promise.reject(AgentError.from(err));
      }
    },
  };
}

/** Text agents need text: blank input is the workflow's mistake, not worth a retry. */
export function requireText(address: string, input: string): string {
  if (input.trim() === '')
    throw new AgentError(
      'AGENT_BAD_INPUT',
      `${address} needs text to work on, and its input is empty`,
      false,
    );
  return input;
}
