import { abortError, AgentCall, AgentError } from '../agent';
import { OutboundFailure, type OutboundHttp, type OutboundResponse } from '../net/outbound-http';
import { retryAfterMs } from '../net/retry-after';
import { maskSecrets } from '../secrets/secret-refs';

export interface RemoteCall {
  address: string;
  outbound: OutboundHttp;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The agent's own limit; the call's deadline (step timeout) shortens it. */
  timeoutMs: number;
  call: AgentCall;
  /** Secret values used in this request: masked in every message that leaves the adapter. */
  secrets: readonly string[];
  now: () => number;
}

const MAX_SERVER_MESSAGE = 300;

/**
 * Sends a request for a remote agent and returns its 2xx answer. Everything else becomes an
 * `AgentError`: 429, 408 and 5xx retryable (with the server's `Retry-After`), other 4xx and
 * redirects permanent with the server's message, network failures and timeouts retryable, a
 * cancelled call as the caller's abort reason. Secret values never appear in the messages.
 */
export async function sendRemote(request: RemoteCall): Promise<OutboundResponse> {
  const { call, address } = request;
  if (call.signal.aborted) throw abortError(call.signal, address);
  const budget =
    call.deadline === undefined
      ? request.timeoutMs
      : Math.min(request.timeoutMs, call.deadline - request.now());
  const timeoutMs = Math.max(1, budget);
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: OutboundResponse;
  try {
    response = await request.outbound.post({
      url: request.url,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([call.signal, timeout]),
    });
  } catch (err) {
    throw mask(failureOf(err, request, timeout, timeoutMs), request.secrets);
  }
  if (response.status >= 200 && response.status < 300) return response;
  throw mask(statusFailure(address, response, request.now()), request.secrets);
}

function failureOf(err: unknown, request: RemoteCall, timeout: AbortSignal, timeoutMs: number): AgentError {
  if (request.call.signal.aborted) return abortError(request.call.signal, request.address);
  if (timeout.aborted) {
    return new AgentError('AGENT_TIMEOUT', `${request.address} did not answer within ${timeoutMs} ms`, true);
  }
  if (err instanceof AgentError) return err;
  if (err instanceof OutboundFailure)
    return new AgentError('AGENT_FAILED', `${request.address} ${err.message}`, true);
  return AgentError.from(err, true);
}

function statusFailure(address: string, response: OutboundResponse, now: number): AgentError {
  const { status } = response;
  const host = new URL(response.url).host;
  const said = serverMessage(response.body);
  const detail = said ? `: ${said}` : '';
  if (status === 429) {
    const wait = retryAfterMs(response.headers['retry-after'], now);
    return new AgentError(
      'AGENT_RATE_LIMITED',
      `${address} is rate limited by ${host} (HTTP 429)${detail}`,
      true,
      { retryAfterMs: wait },
    );
  }
  if (status === 408 || status >= 500) {
    const wait = retryAfterMs(response.headers['retry-after'], now);
    return new AgentError('AGENT_FAILED', `${address} failed at ${host} (HTTP ${status})${detail}`, true, {
      retryAfterMs: wait,
    });
  }
  if (status >= 300 && status < 400) {
    const to = response.headers.location ?? '(no Location)';
    return new AgentError(
      'AGENT_FAILED',
      `${host} redirected ${address} to ${to}; only 307/308 redirects on the same host are followed: configure the final URL`,
      false,
    );
  }
  return new AgentError('AGENT_FAILED', `${address} was refused by ${host} (HTTP ${status})${detail}`, false);
}

/** `{error: {message}}` (OpenAI and most compatible servers), `{error: "…"}`, `{message}`, or the text. */
function serverMessage(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const o = parsed as { error?: unknown; message?: unknown; detail?: unknown };
      const error = o.error as { message?: unknown } | string | undefined;
      const candidate =
        typeof error === 'string'
          ? error
          : typeof error?.message === 'string'
            ? error.message
            : typeof o.message === 'string'
              ? o.message
              : typeof o.detail === 'string'
                ? o.detail
                : undefined;
      if (candidate !== undefined) text = candidate;
    }
  } catch {
    // Not JSON: the text is the message.
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text;
}

function mask(error: AgentError, secrets: readonly string[]): AgentError {
  const message = maskSecrets(error.message, secrets);
  if (message === error.message) return error;
  return new AgentError(error.code, message, error.retryable, { retryAfterMs: error.retryAfterMs });
}
