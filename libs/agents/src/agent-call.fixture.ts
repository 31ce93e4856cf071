import { AgentCall, idempotencyKeyOf } from './agent';

/** An agent call as the execution service makes it, for tests. */
export function agentCall(address: string, input: string, overrides: Partial<AgentCall> = {}): AgentCall {
  const runId = overrides.runId ?? 'run-1';
  const stepId = overrides.stepId ?? 'step-1';
  const attempt = overrides.attempt ?? 1;
  return {
    address,
    input,
    runId,
    stepId,
    attempt,
    idempotencyKey: idempotencyKeyOf(runId, stepId, attempt),
    signal: new AbortController().signal,
    ...overrides,
  };
}
