import { isOwnerPattern, type AgentKindName } from '@chainmail/contracts';
import { parseAgentAddress } from '../agent-address';
import { closest, isJsonObject, type FieldIssue } from '../adapters/config-fields';
import { describeEmail, validateEmailConfig, type EmailAgentConfig } from '../adapters/email';
import { describeHttp, validateHttpConfig, type HttpAgentConfig } from '../adapters/http';
import { describeOpenAi, validateOpenAiConfig, type OpenAiConfig } from '../adapters/openai';
import {
  describeWorkflowAgent,
  validateWorkflowAgentConfig,
  type WorkflowAgentConfig,
} from '../adapters/workflow-agent';

/** A directory entry as a PUT (or a line of `agents.yaml`) gives it, once validated. */
export interface AgentEntrySpec {
  address: string;
  kind: AgentKindName;
  description: string;
  config: Record<string, unknown>;
  allowedWorkflows?: string[];
  /** Owners whose runs may call it besides its own (`user:<id>`, `team:<id>`, `*` for all). */
  allowedOwners?: string[];
  concurrency?: number;
}

export type AgentEntryValidation = { ok: true; entry: AgentEntrySpec } | { ok: false; issues: FieldIssue[] };

/** Kinds that can be registered (builtins ship with Chainmail). */
export const REGISTRABLE_KINDS = ['openai', 'http', 'email', 'workflow'] as const;
const ENTRY_KEYS = [
  'address',
  'kind',
  'description',
  'config',
  'allowedWorkflows',
  'allowedOwners',
  'concurrency',
];
const WORKFLOW_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
const MAX_CONCURRENCY = 10_000;

/** Per kind: the config's validation and the description an entry gets when it gives none. */
const KINDS: Record<
  (typeof REGISTRABLE_KINDS)[number],
  (config: Record<string, unknown>) => {
    config: Record<string, unknown>;
    issues: FieldIssue[];
    describe: () => string;
  }
> = {
  openai: (config) => {
    const checked = validateOpenAiConfig(config);
    return {
      ...checked,
      config: { ...checked.config },
      describe: () => describeOpenAi(checked.config as OpenAiConfig),
    };
  },
  http: (config) => {
    const checked = validateHttpConfig(config);
    return {
      ...checked,
      config: { ...checked.config },
      describe: () => describeHttp(checked.config as HttpAgentConfig),
    };
  },
  email: (config) => {
    const checked = validateEmailConfig(config);
    return {
      ...checked,
      config: { ...checked.config },
      describe: () => describeEmail(checked.config as EmailAgentConfig),
    };
  },
  workflow: (config) => {
    const checked = validateWorkflowAgentConfig(config);
    return {
      ...checked,
      config: { ...checked.config },
      describe: () => describeWorkflowAgent(checked.config as WorkflowAgentConfig),
    };
  },
};

/** Checks a directory entry field by field; every problem comes back with its field path. */
export function validateAgentEntry(rawAddress: string, body: unknown): AgentEntryValidation {
  const issues: FieldIssue[] = [];
  const parsed = parseAgentAddress(rawAddress);
  if (!parsed)
    issues.push({
      field: 'address',
      message: `"${rawAddress}" is not an agent address (name@ or name@domain)`,
    });
  if (!isJsonObject(body)) {
    return {
      ok: false,
      issues: [
        ...issues,
        {
          field: '',
          message:
            'the entry must be a JSON object: {kind, config, description?, allowedWorkflows?, concurrency?}',
        },
      ],
    };
  }
  for (const key of Object.keys(body)) {
    if (ENTRY_KEYS.includes(key)) continue;
    const near = closest(key, ENTRY_KEYS);
    issues.push({
      field: key,
      message: `unknown field${near ? `; did you mean ${near}?` : ''} (an entry takes ${ENTRY_KEYS.join(', ')})`,
    });
  }
  if (
    body.address !== undefined &&
    parsed &&
    parseAgentAddress(String(body.address))?.address !== parsed.address
  ) {
    issues.push({
      field: 'address',
      message: `does not match the address of the request (${parsed.address})`,
    });
  }

  const kind = body.kind;
  let config: Record<string, unknown> = {};
  let describe = (): string => '';
  if (typeof kind !== 'string' || kind === '') {
    issues.push({ field: 'kind', message: `is required: one of ${REGISTRABLE_KINDS.join(', ')}` });
  } else if (kind === 'builtin') {
    issues.push({
      field: 'kind',
      message: `builtin agents ship with Chainmail and cannot be registered; register ${REGISTRABLE_KINDS.join(', ')}`,
    });
  } else if (!(REGISTRABLE_KINDS as readonly string[]).includes(kind)) {
    issues.push({ field: 'kind', message: `unknown kind "${kind}": one of ${REGISTRABLE_KINDS.join(', ')}` });
  } else if (!isJsonObject(body.config)) {
    issues.push({ field: 'config', message: `is required: a map of the ${kind} settings` });
  } else {
    const checked = KINDS[kind as (typeof REGISTRABLE_KINDS)[number]](body.config);
    issues.push(...checked.issues);
    config = checked.config;
    describe = checked.describe;
  }

  let description: string | undefined;
  if (body.description !== undefined && body.description !== null) {
    if (typeof body.description !== 'string' || body.description.length > 1000) {
      issues.push({ field: 'description', message: 'must be a string of at most 1000 characters' });
    } else {
      description = body.description.trim();
    }
  }
  const allowedWorkflows = readAllowedWorkflows(body.allowedWorkflows, issues);
  const allowedOwners = readAllowedOwners(body.allowedOwners, issues);
  let concurrency: number | undefined;
  if (body.concurrency !== undefined && body.concurrency !== null) {
    const c = body.concurrency;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_CONCURRENCY) {
      issues.push({
        field: 'concurrency',
        message: `must be a whole number from 1 to ${MAX_CONCURRENCY} (calls at once, across all replicas)`,
      });
    } else {
      concurrency = c;
    }
  }

  if (issues.length > 0 || !parsed) return { ok: false, issues };
  const entry: AgentEntrySpec = {
    address: parsed.address,
    kind: kind as AgentKindName,
    description: description || describe(),
    config,
  };
  if (allowedWorkflows !== undefined) entry.allowedWorkflows = allowedWorkflows;
  if (allowedOwners !== undefined) entry.allowedOwners = allowedOwners;
  if (concurrency !== undefined) entry.concurrency = concurrency;
  return { ok: true, entry };
}

function readAllowedOwners(value: unknown, issues: FieldIssue[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.push({
      field: 'allowedOwners',
      message: 'must be a list of owners (user:<id>, team:<id>, or * for every owner)',
    });
    return undefined;
  }
  const owners: string[] = [];
  value.forEach((owner, i) => {
    if (typeof owner !== 'string' || !isOwnerPattern(owner)) {
      issues.push({
        field: `allowedOwners[${i}]`,
        message: `${JSON.stringify(owner)} is not an owner (user:<id>, team:<id> or *)`,
      });
    } else if (!owners.includes(owner)) {
      owners.push(owner);
    }
  });
  return owners.sort();
}

function readAllowedWorkflows(value: unknown, issues: FieldIssue[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({
      field: 'allowedWorkflows',
      message: 'must be a non-empty list of workflow names (leave it out to allow every workflow)',
    });
    return undefined;
  }
  const names: string[] = [];
  value.forEach((name, i) => {
    if (typeof name !== 'string' || !WORKFLOW_NAME.test(name)) {
      issues.push({
        field: `allowedWorkflows[${i}]`,
        message: `${JSON.stringify(name)} is not a workflow name`,
      });
    } else if (!names.includes(name)) {
      names.push(name);
    }
  });
  return names.sort();
}
