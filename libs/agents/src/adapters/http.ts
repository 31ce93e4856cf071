import { createHmac } from 'node:crypto';
import type { Usage } from '@chainmail/contracts';
import { type Agent, type AgentCall, AgentError, type AgentResult } from '../agent';
import { OutboundHttp, type OutboundResponse } from '../net/outbound-http';
import { resolveSecrets } from '../secrets/secret-refs';
import type { AgentRuntime } from './agent-runtime';
import { ConfigFields, type FieldIssue } from './config-fields';
import { sendRemote } from './remote-call';

/** A service of the user's own that takes a step's input over HTTP. */
export interface HttpAgentConfig {
  url: string;
  /** `{{secrets.NAME}}`: the HMAC-SHA256 key of `X-Chainmail-Signature`. */
  secret?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const KEYS = ['url', 'secret', 'timeoutMs', 'headers'];
const DEFAULT_TIMEOUT_MS = 60_000;

export function validateHttpConfig(config: Record<string, unknown>): {
  config: HttpAgentConfig;
  issues: FieldIssue[];
} {
  const fields = new ConfigFields(config, KEYS);
  fields.url('url', { required: true });
  fields.secretRef('secret');
  fields.number('timeoutMs', { min: 100, max: 3_600_000, integer: true });
  fields.headers('headers');
  return { config: fields.out as unknown as HttpAgentConfig, issues: fields.issues };
}

export function describeHttp(config: HttpAgentConfig): string {
  return `HTTP agent at ${config.url}`;
}

/** The body an http agent receives. */
export interface HttpAgentRequest {
  input: string;
  run: { id: string; workflow?: string };
  step: { id: string; attempt: number };
}

/**
 * POSTs `{input, run, step}` as JSON, signed with `X-Chainmail-Signature: sha256=<hex HMAC of the
 * body>` when a secret is configured, with `Idempotency-Key: runId/stepId/…` so the receiver can
 * drop a redelivered call. The answer is `{output}` JSON (`usage` optional) or a `text/*` body.
 */
export function httpAgent(
  address: string,
  description: string,
  config: HttpAgentConfig,
  runtime: AgentRuntime,
): Agent & { close(): void } {
  const outbound = new OutboundHttp(runtime.guard);
  return {
    address,
    kind: 'http',
    description,
    config: { ...config },
    close: () => outbound.close(),
    async invoke(call: AgentCall): Promise<AgentResult> {
      const payload: HttpAgentRequest = {
        input: call.input,
        run: call.workflow === undefined ? { id: call.runId } : { id: call.runId, workflow: call.workflow },
        step: { id: call.stepId, attempt: call.attempt },
      };
      const body = JSON.stringify(payload);
      // Only this call's values: the run owner's secrets, resolved by execution for this call.
      const secrets = call.secrets ?? {};
      const used: string[] = [];
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(config.headers ?? {})) {
        const resolved = resolveSecrets(value, secrets, `${address} (header ${name})`);
        used.push(...resolved.used);
        headers[name] = resolved.text;
      }
      Object.assign(headers, {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/plain;q=0.9, text/*;q=0.8',
        'Idempotency-Key': call.idempotencyKey,
        'User-Agent': 'chainmail-agent',
      });
      if (config.secret !== undefined) {
        const key = resolveSecrets(config.secret, secrets, `${address} (secret)`);
        used.push(...key.used);
        headers['X-Chainmail-Signature'] =
          `sha256=${createHmac('sha256', key.text).update(body).digest('hex')}`;
      }
      const response = await sendRemote({
        address,
        outbound,
        url: config.url,
        headers,
        body,
        timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        call,
        secrets: used,
        now: runtime.now,
      });
      return readAnswer(address, response);
    },
  };
}

function readAnswer(address: string, response: OutboundResponse): AgentResult {
  const type = String(response.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('json')) return { output: response.body };
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new AgentError(
      'AGENT_FAILED',
      `${address}: the answer says it is JSON but is not (${snippet(response.body)})`,
      true,
    );
  }
  const o = (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined) as
    { output?: unknown; usage?: unknown } | undefined;
  if (o === undefined || o.output === undefined || o.output === null) {
    throw new AgentError(
      'AGENT_FAILED',
      `${address}: the JSON answer has no "output" (${snippet(response.body)})`,
      true,
    );
  }
  const output = typeof o.output === 'string' ? o.output : JSON.stringify(o.output);
  const usage = usageOf(o.usage);
  return usage === undefined ? { output } : { output, usage };
}

/** `{promptTokens, completionTokens, costUsd}` (or the snake_case names), numbers only. */
function usageOf(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const pick = (...names: string[]): number | undefined => {
    for (const name of names) {
      const v = u[name];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    }
    return undefined;
  };
  const usage: Usage = {};
  const prompt = pick('promptTokens', 'prompt_tokens');
  const completion = pick('completionTokens', 'completion_tokens');
  const cost = pick('costUsd', 'cost_usd');
  if (prompt !== undefined) usage.promptTokens = prompt;
  if (completion !== undefined) usage.completionTokens = completion;
  if (cost !== undefined) usage.costUsd = cost;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || 'empty';
}
