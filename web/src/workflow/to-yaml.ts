import type {
  CheckpointAction,
  ErrorPolicy,
  InputDeclaration,
  OutputSpec,
  RetryPolicy,
  Step,
  Trigger,
  WorkflowDefinition,
} from '@chainmail/contracts';
import { stringify } from 'yaml';

/**
 * A definition (the parser's normalized form) written back as YAML the parser reads to the same
 * definition: what the builder shows after an edit on the graph. Defaults are left out, the
 * defaulted `needs` (the previous step) too, so the text stays the way a person writes it.
 */
export function definitionToYaml(definition: WorkflowDefinition): string {
  const doc: Record<string, unknown> = { name: definition.name };
  if (definition.description !== undefined) doc.description = definition.description;
  const triggers = definition.triggers.map(triggerToYaml);
  if (triggers.length === 1) doc.trigger = triggers[0];
  else if (triggers.length > 1) doc.triggers = triggers;
  if (definition.inputs.length > 0) doc.inputs = definition.inputs.map(inputToYaml);
  if (Object.keys(definition.vars).length > 0) doc.vars = definition.vars;
  doc.steps = definition.steps.map((step) => stepToYaml(step, true));
  const output = outputToYaml(definition.output);
  if (output !== undefined) doc.output = output;
  if (definition.timeoutMs !== DEFAULT_RUN_TIMEOUT_MS) doc.timeout = formatDuration(definition.timeoutMs);
  if (definition.mode !== 'async') doc.mode = definition.mode;
  if (definition.limits !== undefined) {
    const limits: Record<string, number> = {};
    if (definition.limits.maxCostUsd !== undefined) limits.max_cost = definition.limits.maxCostUsd;
    if (definition.limits.maxTokens !== undefined) limits.max_tokens = definition.limits.maxTokens;
    doc.limits = limits;
  }
  return stringify(doc, { lineWidth: 0 });
}

const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_VISITS = 10;
const DEFAULT_CONCURRENCY = 4;

function triggerToYaml(trigger: Trigger): unknown {
  switch (trigger.type) {
    case 'email':
      return trigger.allow === undefined
        ? `email to ${trigger.address}`
        : { type: 'email', address: trigger.address, allow: trigger.allow };
    case 'webhook': {
      if (trigger.secret === undefined && trigger.public === undefined) return `webhook ${trigger.path}`;
      const out: Record<string, unknown> = { type: 'webhook', path: trigger.path };
      if (trigger.secret !== undefined) out.secret = trigger.secret;
      if (trigger.public !== undefined) out.public = trigger.public;
      return out;
    }
    case 'schedule': {
      const out: Record<string, unknown> = {
        type: 'schedule',
        cron: trigger.cron,
        timezone: trigger.timezone,
      };
      if (trigger.inputs !== undefined) out.inputs = trigger.inputs;
      if (trigger.catchUp !== undefined) out.catch_up = trigger.catchUp;
      return out;
    }
    case 'placeholder':
      return { type: trigger.choices.join(' | ') };
  }
}

function inputToYaml(input: InputDeclaration): Record<string, unknown> {
  const out: Record<string, unknown> = { name: input.name, type: input.type, required: input.required };
  if (input.default !== undefined) out.default = input.default;
  if (input.description !== undefined) out.description = input.description;
  return out;
}

function outputToYaml(output: OutputSpec): unknown {
  const keys = Object.keys(output).filter((key) => output[key as keyof OutputSpec] !== undefined);
  if (output.format === 'email' && keys.length === 1) return undefined;
  if (output.format === 'email' && keys.length === 2 && output.template !== undefined) return output.template;
  const out: Record<string, unknown> = { format: output.format };
  for (const key of ['template', 'to', 'url', 'subject'] as const) {
    if (output[key] !== undefined) out[key] = output[key];
  }
  return out;
}

/** One step as YAML, its fields in the order people read them. */
export function stepToYaml(step: Step, topLevel: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: step.id };
  if (step.description !== undefined) out.description = step.description;
  switch (step.kind) {
    case 'agent':
      out.agent = step.agent;
      break;
    case 'workflow':
      out.workflow = step.workflow;
      break;
    case 'checkpoint':
      out.type = 'checkpoint';
      out.message = step.message;
      out.actions = {
        approve: actionToYaml(step.actions.approve),
        reject: actionToYaml(step.actions.reject),
        edit: actionToYaml(step.actions.edit),
      };
      break;
    case 'parallel':
      out.parallel = step.branches.map((branch) => stepToYaml(branch, false));
      break;
    case 'foreach':
      out.foreach = step.items;
      if (step.as !== 'item') out.as = step.as;
      if (step.concurrency !== DEFAULT_CONCURRENCY) out.concurrency = step.concurrency;
      if (step.body.kind === 'agent') out.agent = step.body.agent;
      else out.workflow = step.body.workflow;
      break;
    case 'switch':
      out.switch = step.cases.map((c) =>
        c.isDefault ? { default: true, goto: c.goto } : { when: c.when, goto: c.goto },
      );
      break;
  }
  if (topLevel && step.needsDeclared === true) out.needs = [...step.needs];
  if (step.condition !== undefined) out.condition = step.condition;
  if (step.input !== undefined) out.input = step.input;
  if (step.retry !== undefined) out.retry = retryToYaml(step.retry);
  if (step.timeoutMs !== undefined) out.timeout = formatDuration(step.timeoutMs);
  if (step.onError.kind !== 'abort') out.on_error = errorPolicyToYaml(step.onError);
  if (step.maxVisits !== DEFAULT_MAX_VISITS) out.max_visits = step.maxVisits;
  return out;
}

function actionToYaml(action: CheckpointAction): unknown {
  return action.kind === 'goto' ? { goto: action.step } : action.kind;
}

function errorPolicyToYaml(policy: ErrorPolicy): unknown {
  return policy.kind === 'goto' ? { goto: policy.step } : policy.kind;
}

function retryToYaml(retry: RetryPolicy): unknown {
  return {
    max: retry.max,
    backoff: retry.backoff,
    delay: formatDuration(retry.delayMs),
    max_delay: formatDuration(retry.maxDelayMs),
    jitter: retry.jitter,
  };
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 90 000 → `1m30s`, 1500 → `1s500ms`: the duration syntax the parser reads back to the same number. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
