import type { RetryPolicy } from '@chainmail/contracts';
import { WORKFLOW_NAME, type ParseContext } from './context';
import { childPath } from './reader';
import type { StepTable } from './step-table';
import type { MapEntry, YNode } from './yaml-tree';

// Fields shared by several kinds of step: retry, needs, agent addresses, workflow names.

const AGENT_ADDRESS = /^[^\s@]+@$/;
const DEFAULT_RETRY: Omit<RetryPolicy, 'max'> = {
  backoff: 'exponential',
  delayMs: 1000,
  maxDelayMs: 60_000,
  jitter: true,
};

/** `retry: 2` (retries after the first attempt, default backoff) or `{max, backoff, delay, max_delay, jitter}`. */
export function readRetry(ctx: ParseContext, node: YNode, path: string): RetryPolicy | undefined {
  const { reader } = ctx;
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    const max = reader.integer(node, path, 'retry', 0, 100);
    return max === undefined ? undefined : { max, ...DEFAULT_RETRY };
  }
  const map = reader.map(node, path, 'retry (a count or a map)');
  if (map === undefined) return undefined;
  const fields = reader.fields(map, path, ['max', 'backoff', 'delay', 'max_delay', 'jitter'], 'retry');
  const policy: RetryPolicy = { max: 3, ...DEFAULT_RETRY };
  const get = <T>(
    key: string,
    read: (value: YNode, at: string) => T | undefined,
    apply: (value: T) => void,
  ): void => {
    const entry = fields.get(key);
    if (entry === undefined) return;
    const value = read(entry.value, childPath(path, key));
    if (value !== undefined) apply(value);
  };
  get(
    'max',
    (v, at) => reader.integer(v, at, 'retry max', 0, 100),
    (v) => (policy.max = v),
  );
  get(
    'backoff',
    (v, at) => reader.choice(v, at, 'backoff', ['fixed', 'exponential'] as const),
    (v) => (policy.backoff = v),
  );
  get(
    'delay',
    (v, at) => reader.duration(v, at, 'retry delay'),
    (v) => (policy.delayMs = v),
  );
  get(
    'max_delay',
    (v, at) => reader.duration(v, at, 'retry max_delay'),
    (v) => (policy.maxDelayMs = v),
  );
  get(
    'jitter',
    (v, at) => reader.boolean(v, at, 'jitter'),
    (v) => (policy.jitter = v),
  );
  if (policy.maxDelayMs < policy.delayMs) policy.maxDelayMs = policy.delayMs;
  return policy;
}

/** `needs: a`, `needs: [a, b]` or `needs: []`; repeated ids are kept once. */
export function readNeeds(
  ctx: ParseContext,
  node: YNode,
  path: string,
): { id: string; offset: number }[] | undefined {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind === 'scalar') {
    const id = ctx.reader.string(node, path, 'needs');
    return id === undefined ? undefined : [{ id, offset: node.offset }];
  }
  const list = ctx.reader.seq(node, path, 'needs');
  if (list === undefined) return undefined;
  const out: { id: string; offset: number }[] = [];
  list.items.forEach((item, index) => {
    const id = ctx.reader.string(item, `${path}[${index}]`, 'a needed step id');
    if (id !== undefined && !out.some((other) => other.id === id)) out.push({ id, offset: item.offset });
  });
  return out;
}

export function readAgentAddress(ctx: ParseContext, entry: MapEntry, path: string): string | undefined {
  const agentPath = childPath(path, 'agent');
  const address = ctx.reader.string(entry.value, agentPath, 'agent');
  if (address === undefined) return undefined;
  if (!AGENT_ADDRESS.test(address)) {
    const hint = /\s/.test(address)
      ? 'an agent address has no spaces'
      : `write it as ${address.replace(/@.*$/, '')}@`;
    ctx.issues.add(
      'INVALID_VALUE',
      `"${address}" is not an agent address (name@)`,
      agentPath,
      entry.value.offset,
      hint,
    );
    return undefined;
  }
  if (ctx.knownAgents !== undefined && !isKnown(ctx.knownAgents, address)) {
    ctx.issues.add(
      'UNKNOWN_AGENT',
      `no agent "${address}" in the directory`,
      agentPath,
      entry.value.offset,
      'check the spelling, or register the agent first',
    );
  }
  return address;
}

export function readWorkflowName(
  ctx: ParseContext,
  entry: MapEntry,
  path: string,
  calls: StepTable['workflowCalls'],
): string | undefined {
  const at = childPath(path, 'workflow');
  const name = ctx.reader.string(entry.value, at, 'workflow');
  if (name === undefined) return undefined;
  if (!WORKFLOW_NAME.test(name)) {
    ctx.issues.add(
      'INVALID_VALUE',
      `"${name}" is not a workflow name`,
      at,
      entry.value.offset,
      'workflow names are lowercase letters, digits and "-"',
    );
    return undefined;
  }
  calls.push({ name, path: at, offset: entry.value.offset });
  return name;
}

/** The directory callback is the caller's code: if it throws, the agent counts as unknown. */
function isKnown(knownAgents: (address: string) => boolean, address: string): boolean {
  try {
    return knownAgents(address) === true;
  } catch {
    return false;
  }
}
