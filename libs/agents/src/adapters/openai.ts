import type { Usage } from '@chainmail/contracts';
import { type Agent, type AgentCall, AgentError, type AgentResult } from '../agent';
import { OutboundHttp } from '../net/outbound-http';
import { resolveSecrets } from '../secrets/secret-refs';
import { costUsd, priceFor, type AgentRuntime } from './agent-runtime';
import { ConfigFields, type FieldIssue } from './config-fields';
import { sendRemote } from './remote-call';

/** An OpenAI-compatible chat-completions endpoint: OpenAI, Ollama, vLLM, llama.cpp server. */
export interface OpenAiConfig {
  /** `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama): `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  /** `{{secrets.NAME}}`; sent as `Authorization: Bearer …`. Local servers need none. */
  apiKey?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const KEYS = [
  'baseUrl',
  'model',
  'systemPrompt',
  'temperature',
  'maxTokens',
  'apiKey',
  'timeoutMs',
  'headers',
];
const DEFAULT_TIMEOUT_MS = 120_000;

export function validateOpenAiConfig(config: Record<string, unknown>): {
  config: OpenAiConfig;
  issues: FieldIssue[];
} {
  const fields = new ConfigFields(config, KEYS);
  fields.url('baseUrl', { required: true });
  fields.string('model', { required: true, maxLength: 200 });
  fields.string('systemPrompt', { maxLength: 100_000 });
  fields.number('temperature', { min: 0, max: 2 });
  fields.number('maxTokens', { min: 1, max: 10_000_000, integer: true });
  fields.secretRef('apiKey');
  fields.number('timeoutMs', { min: 100, max: 3_600_000, integer: true });
  fields.headers('headers');
  if (typeof fields.out.baseUrl === 'string') fields.out.baseUrl = fields.out.baseUrl.replace(/\/+$/, '');
  return { config: fields.out as unknown as OpenAiConfig, issues: fields.issues };
}

export function describeOpenAi(config: OpenAiConfig): string {
  return `Model ${config.model} at ${config.baseUrl} (OpenAI-compatible chat completions)`;
}

/** Calls the model with the step's input as the user message; usage and an estimated cost come back with the output. */
export function openAiAgent(
  address: string,
  description: string,
  config: OpenAiConfig,
  runtime: AgentRuntime,
): Agent & { close(): void } {
  const outbound = new OutboundHttp(runtime.guard);
  const unpriced = new Set<string>();
  return {
    address,
    kind: 'openai',
    description,
    config: { ...config },
    close: () => outbound.close(),
    async invoke(call: AgentCall): Promise<AgentResult> {
      // Only this call's values: the run owner's secrets, resolved by execution for this call.
      const secrets = call.secrets ?? {};
      const used: string[] = [];
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        Accept: 'application/json',
      };
      for (const [name, value] of Object.entries(config.headers ?? {})) {
        const resolved = resolveSecrets(value, secrets, `${address} (header ${name})`);
        used.push(...resolved.used);
        headers[name] = resolved.text;
      }
      if (config.apiKey !== undefined) {
        const key = resolveSecrets(config.apiKey, secrets, `${address} (apiKey)`);
        used.push(...key.used);
        headers.Authorization = `Bearer ${key.text}`;
      }
      const messages = [
        ...(config.systemPrompt ? [{ role: 'system', content: config.systemPrompt }] : []),
        { role: 'user', content: call.input },
      ];
      const body: Record<string, unknown> = { model: config.model, messages, stream: false };
      if (config.temperature !== undefined) body.temperature = config.temperature;
      if (config.maxTokens !== undefined) body.max_tokens = config.maxTokens;
      const response = await sendRemote({
        address,
        outbound,
        url: `${config.baseUrl}/chat/completions`,
        headers,
        body: JSON.stringify(body),
        timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        call,
        secrets: used,
        now: runtime.now,
      });
      const answer = readCompletion(address, response.body);
      const usage = usageOf(answer, config.model, runtime, unpriced, address);
      return usage === undefined ? { output: answer.content } : { output: answer.content, usage };
    },
  };
}

interface Completion {
  content: string;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
}

function readCompletion(address: string, text: string): Completion {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AgentError(
      'AGENT_FAILED',
      `${address}: the model's answer is not JSON (${snippet(text)})`,
      true,
    );
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    choices?: { message?: { content?: unknown; refusal?: unknown } }[];
    model?: unknown;
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  const message = Array.isArray(o.choices) ? o.choices[0]?.message : undefined;
  if (typeof message?.refusal === 'string' && message.refusal !== '' && typeof message.content !== 'string') {
    throw new AgentError('AGENT_FAILED', `${address}: the model refused: ${snippet(message.refusal)}`, false);
  }
  const content = contentText(message?.content);
  if (content === undefined) {
    throw new AgentError(
      'AGENT_FAILED',
      `${address}: the model's answer has no choices[0].message.content (${snippet(text)})`,
      true,
    );
  }
  const completion: Completion = { content };
  if (typeof o.model === 'string') completion.model = o.model;
  if (typeof o.usage?.prompt_tokens === 'number') completion.promptTokens = o.usage.prompt_tokens;
  if (typeof o.usage?.completion_tokens === 'number') completion.completionTokens = o.usage.completion_tokens;
  return completion;
}

/** A string, or the text parts of a content list (some servers answer with parts). */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts = content.filter(
    (p): p is { text: string } => typeof (p as { text?: unknown })?.text === 'string',
  );
  return parts.length === 0 ? undefined : parts.map((p) => p.text).join('');
}

function usageOf(
  answer: Completion,
  model: string,
  runtime: AgentRuntime,
  unpriced: Set<string>,
  address: string,
): Usage | undefined {
  if (answer.promptTokens === undefined && answer.completionTokens === undefined) return undefined;
  const usage: Usage = {};
  if (answer.promptTokens !== undefined) usage.promptTokens = answer.promptTokens;
  if (answer.completionTokens !== undefined) usage.completionTokens = answer.completionTokens;
  const price = priceFor(runtime.prices, model, answer.model);
  if (price) {
    usage.costUsd = costUsd(price, answer.promptTokens ?? 0, answer.completionTokens ?? 0);
  } else if (!unpriced.has(model)) {
    unpriced.add(model);
    runtime.notice(
      `${address}: no price for model ${model}${answer.model && answer.model !== model ? ` (answered as ${answer.model})` : ''}; token counts are recorded without a cost. Add it to CHAINMAIL_MODEL_PRICES, e.g. {"${model}":{"input":0.15,"output":0.6}} (USD per million tokens).`,
    );
  }
  return usage;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || 'empty';
}
