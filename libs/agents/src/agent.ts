import type { StepError, Usage } from '@chainmail/contracts';

/**
 * The agent interface every kind implements (builtin today; openai, http, email and workflow
 * later). Calls are async and cancellable; an agent reports usage when it has any and fails with
 * an `AgentError` whose `retryable` flag tells the engine whether another attempt can help.
 */
/** The run owner's secrets a call may use, by name (resolved just before the call). */
export type SecretValues = Readonly<Record<string, string>>;

export type AgentKind = 'builtin' | 'openai' | 'http' | 'email' | 'workflow';

export interface AgentCall {
  /** The address the workflow named, as written (the directory normalizes it). */
  address: string;
  input: string;
  runId: string;
  stepId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** `runId/stepId/attempt`: lets remote agents drop a redelivered call (see `idempotencyKeyOf`). */
  idempotencyKey: string;
  /** Aborted when the run is cancelled or the step times out; the reason may be an `AgentError`. */
  signal: AbortSignal;
  /** Epoch milliseconds after which the caller gives up; remote kinds pass it on as their timeout. */
  deadline?: number;
  /** The calling run's workflow, when the caller knows it (http agents pass it on). */
  workflow?: string;
  /**
   * The values of the `{{secrets.NAME}}` this agent's configuration names, read for this call
   * from the run owner's secrets (execution resolves them; nothing else holds them). Absent: none.
   */
  secrets?: SecretValues;
}

export interface AgentResult {
  output: string;
  usage?: Usage;
}

export interface Agent {
  readonly address: string;
  readonly kind: AgentKind;
  readonly description: string;
  /** Kind-specific settings shown by the directory (model, URL, mailbox). Secret references only, never values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Answers at once, in this process, from its input and attempt alone: no IO, no side effect,
   * no wait. Execution may then run the call while it decides, so the step's start and result go
   * to the log in one commit (a crash before that append loses nothing: the call is made again).
   */
  readonly instant?: boolean;
  invoke(call: AgentCall): Promise<AgentResult>;
}

export type AgentErrorCode =
  | 'AGENT_UNKNOWN'
  | 'AGENT_BAD_ADDRESS'
  | 'AGENT_BAD_INPUT'
  | 'AGENT_FAILED'
  | 'AGENT_TIMEOUT'
  | 'AGENT_CANCELLED'
  | 'AGENT_RATE_LIMITED'
  | 'AGENT_BUDGET_EXCEEDED'
  | 'AGENT_FORBIDDEN'
  | 'AGENT_REFUSED_ADDRESS';

export class AgentError extends Error {
  /** How long the agent asked to be left alone before another attempt (HTTP `Retry-After`). */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: AgentErrorCode | (string & {}),
    message: string,
    readonly retryable: boolean,
    options: { retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'AgentError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** Whatever an agent threw, as an `AgentError`: aborts become cancellations, the rest failures. */
  static from(err: unknown, retryable = false): AgentError {
    if (err instanceof AgentError) return err;
    if (err instanceof Error && err.name === 'AbortError') {
      return new AgentError('AGENT_CANCELLED', err.message || 'The agent call was cancelled', false);
    }
    const message = err instanceof Error ? err.message : String(err);
    return new AgentError('AGENT_FAILED', message, retryable);
  }

  /** The shape run events record (`StepFailed.error`). */
  toStepError(): StepError {
    const error: StepError = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }
}

export function idempotencyKeyOf(runId: string, stepId: string, attempt: number): string {
  return `${runId}/${stepId}/${attempt}`;
}

/**
 * The error an aborted call rejects with: the abort reason when the caller gave an `AgentError`
 * (a step timeout aborts with `AGENT_TIMEOUT`), a retryable timeout for `AbortSignal.timeout`,
 * else a plain cancellation.
 */
export function abortError(signal: AbortSignal, address: string): AgentError {
  if (signal.reason instanceof AgentError) return signal.reason;
  // `AbortSignal.timeout()` (the caller's step timeout) aborts with a TimeoutError: worth a retry.
  if ((signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new AgentError('AGENT_TIMEOUT', `${address} did not answer in time (step timeout)`, true);
  }
  return new AgentError('AGENT_CANCELLED', `The call to ${address} was cancelled`, false);
}
