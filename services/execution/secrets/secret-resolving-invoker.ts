import type { AgentEntry } from '@chainmail/agents';
import type { StepOutcome } from '@chainmail/engine';
import type { AgentInvoker, StepInvocation } from '../agent-invoker';
import type { RunSecrets } from './run-secrets';

/**
 * The backstop between agents and the log: reads the call's secrets for the run's owner just
 * before the call, and masks every secret value in the output or error that comes back, before
 * it is appended (StepSucceeded, StepFailed) and so before any read model, log line or trace
 * sees it. A missing secret fails the step at once, naming it and how to set it.
 */
export class SecretResolvingInvoker {
  constructor(
    private readonly inner: Pick<AgentInvoker, 'invoke'>,
    private readonly secrets: RunSecrets,
    private readonly entry: (address: string) => AgentEntry | undefined,
  ) {}

  async invoke(call: StepInvocation): Promise<StepOutcome> {
    const resolved = await this.secrets.forCall(call.owner ?? '', this.entry(call.agent));
    if (!resolved.ok) return { ok: false, error: resolved.error, durationMs: 0 };
    const outcome = await this.inner.invoke({ ...call, secrets: resolved.values });
    const { redactor } = resolved;
    if (redactor.empty) return outcome;
    if (outcome.ok) return { ...outcome, output: redactor.mask(outcome.output) };
    return { ...outcome, error: { ...outcome.error, message: redactor.mask(outcome.error.message) } };
  }
}
