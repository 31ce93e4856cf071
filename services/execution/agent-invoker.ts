import type { StepError } from '@chainmail/contracts';
import type { StepOutcome } from '@chainmail/engine';
import { AgentError, type AgentDirectory, type SecretValues } from '@chainmail/agents';
import { mayUseAgent } from '@chainmail/contracts';
import { agentForbiddenReason } from './agent-facts';

export interface StepInvocation {
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
  agent: string;
  input: string;
  /** The calling run's workflow: entries restricted to other workflows refuse it (AGENT_FORBIDDEN). */
  workflow?: string;
  /** The calling run's owner: the run may call only the agents its owner may use (AGENT_FORBIDDEN). */
  owner?: string;
  timeoutMs?: number;
  /** The values of the secrets the agent's configuration names, read for this call (see SecretResolvingInvoker). */
  secrets?: SecretValues;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

/** Calls an agent by address and turns whatever happens into a step outcome; never throws. */
export class AgentInvoker {
  constructor(
    private readonly directory: AgentDirectory,
    private readonly clock: () => number = Date.now,
  ) {}

  async invoke(call: StepInvocation): Promise<StepOutcome> {
    const started = this.clock();
    const signals = [call.signal];
    if (call.timeoutMs !== undefined) signals.push(AbortSignal.timeout(call.timeoutMs));
    const signal = signals.length === 1 ? call.signal : AbortSignal.any(signals);
    try {
      // Checked again at the call: the entry may have changed since the step was decided.
      const entry = call.owner === undefined ? undefined : this.directory.entry(call.agent);
      if (entry !== undefined && call.owner !== undefined && !mayUseAgent(entry, call.owner)) {
        throw new AgentError('AGENT_FORBIDDEN', agentForbiddenReason(entry.address, call.owner), false);
      }
      const agent = this.directory.resolve(call.agent, { workflow: call.workflow });
      const result = await raceAbort(
        agent.invoke({
          address: call.agent,
          input: call.input,
          runId: call.runId,
          stepId: call.stepId,
          attempt: call.attempt,
          ...(call.workflow !== undefined ? { workflow: call.workflow } : {}),
          idempotencyKey: `${call.runId}/${call.stepId}/${call.visit}/${call.attempt}`,
          ...(call.secrets !== undefined ? { secrets: call.secrets } : {}),
          signal,
          deadline: call.timeoutMs !== undefined ? started + call.timeoutMs : undefined,
        }),
        signal,
      );
      return { ok: true, output: result.output, usage: result.usage, durationMs: this.clock() - started };
    } catch (err) {
      return { ok: false, error: this.toStepError(err, call), durationMs: this.clock() - started };
    }
  }

  private toStepError(err: unknown, call: StepInvocation): StepError {
    if (call.signal.aborted) {
      return {
        code: 'AGENT_CANCELLED',
        message: `the run was cancelled while ${call.agent} was working`,
        retryable: false,
      };
    }
    if (err instanceof AbortedByTimeout || (err instanceof Error && err.name === 'TimeoutError')) {
      return {
        code: 'AGENT_TIMEOUT',
        message: `${call.agent} did not answer within ${call.timeoutMs} ms (step timeout)`,
        retryable: true,
      };
    }
    const coded = err as { code?: unknown; retryable?: unknown; message?: unknown; retryAfterMs?: unknown };
    const error: StepError = {
      code: typeof coded.code === 'string' ? coded.code : 'AGENT_FAILED',
      message: typeof coded.message === 'string' ? coded.message : String(err),
      retryable: typeof coded.retryable === 'boolean' ? coded.retryable : true,
    };
    // The agent's `Retry-After`: the engine waits at least this long before the next attempt.
    const after = coded.retryAfterMs;
    if (typeof after === 'number' && Number.isFinite(after) && after >= 0) error.retryAfterMs = after;
    return error;
  }
}

class AbortedByTimeout extends Error {}

/** Agents should honour the signal; this makes sure a step never outlives it even when one does not. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedByTimeout('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedByTimeout('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
