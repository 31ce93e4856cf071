import type { RunEventMap, StepError, ForeachStep, Step, SwitchStep } from '@chainmail/contracts';
import { actionWords, approversOf } from './checkpoint-approvers';
import { isTruthy } from '@chainmail/workflow-dsl';
import { budgetRefusal, childBudget } from './budget';
import { childRunId, MAX_WORKFLOW_DEPTH } from './child-run';
import { replacedInput } from './debugging';
import type { Decision } from './decision';

/**
 * How starting an attempt went: started (the shell or a person takes it from here), failed at
 * once (a template, a list that is not one, nesting too deep), or a switch that chose a target.
 */
export type StartResult =
  { kind: 'started' } | { kind: 'failed'; error: StepError } | { kind: 'goto'; target: string };

const STARTED: StartResult = { kind: 'started' };
const failed = (error: StepError): StartResult => ({ kind: 'failed', error });

type Started = RunEventMap['StepStarted'];

/** Starts one attempt of a definition step. Children of parallel and foreach steps start in `progress`. */
export function startStep(d: Decision, step: Step, visit: number, attempt: number): StartResult {
  const parent = d.graph.parentOf(step.id);
  const base: Started = { stepId: step.id, visit, attempt, kind: step.kind };
  if (parent !== undefined) base.parent = parent;
  switch (step.kind) {
    case 'agent': {
      const input =
        replacedInput(d, step.id, visit) ?? d.render(step.input ?? '', `the input of step "${step.id}"`);
      if (!input.ok) return startedThenFailed(d, base, input.error);
      return startAgentCall(d, base, step.agent, input.text, step.timeoutMs);
    }
    case 'workflow': {
      const input =
        replacedInput(d, step.id, visit) ?? d.render(step.input ?? '', `the input of step "${step.id}"`);
      if (!input.ok) return startedThenFailed(d, base, input.error);
      const refused = budgetRefusal(d, step.id, `workflow ${step.workflow}`, input.text);
      if (refused !== undefined) return startedThenFailed(d, { ...base, input: input.text }, refused);
      return startChildRun(d, base, step.workflow, input.text, step.timeoutMs);
    }
    case 'checkpoint': {
      const message = d.render(step.message, `the message of checkpoint "${step.id}"`);
      if (!message.ok) return startedThenFailed(d, base, message.error);
      d.emit('StepStarted', base);
      d.emit(
        'CheckpointOpened',
        withLimit(
          {
            stepId: step.id,
            visit,
            message: message.text,
            approvers: approversOf(step, d.state.trigger),
            actions: actionWords(step),
          },
          step.timeoutMs,
        ),
      );
      return STARTED;
    }
    case 'switch':
      return startSwitch(d, step, base);
    case 'parallel':
      d.emit('StepStarted', withLimit(base, step.timeoutMs));
      return STARTED;
    case 'foreach':
      return startForeach(d, step, base);
  }
}

/** Starts one attempt of a foreach item: the body (agent or workflow) with the item bound to `as`. */
export function startItem(d: Decision, foreach: ForeachStep, index: number, attempt: number): StartResult {
  const list = d.step(foreach.id)?.list ?? [];
  const item = list[index];
  const visit = d.step(foreach.id)?.visit ?? 1;
  const base: Started = {
    stepId: `${foreach.id}[${index}]`,
    visit,
    attempt,
    kind: 'item',
    parent: foreach.id,
    index,
  };
  const locals = { [foreach.as]: item, [`${foreach.as}_index`]: index };
  const input =
    foreach.input === undefined
      ? { ok: true as const, text: typeof item === 'string' ? item : (JSON.stringify(item) ?? '') }
      : d.render(foreach.input, `the input of step "${foreach.id}" for item ${index}`, locals);
  if (!input.ok) return startedThenFailed(d, base, input.error);
  if (foreach.body.kind === 'workflow') {
    const refused = budgetRefusal(d, base.stepId, `workflow ${foreach.body.workflow}`, input.text);
    if (refused !== undefined) return startedThenFailed(d, { ...base, input: input.text }, refused);
    return startChildRun(d, base, foreach.body.workflow, input.text, foreach.timeoutMs);
  }
  return startAgentCall(d, base, foreach.body.agent, input.text, foreach.timeoutMs);
}

/**
 * An agent step's attempt (or a foreach item's): refused before the call when the workflow may
 * not use the agent or the run's budget would not cover it; a workflow-kind agent runs its
 * workflow as a sub-workflow; an email agent without a timeout of its own waits for its reply at
 * most its default; any other agent is called by the shell.
 */
function startAgentCall(
  d: Decision,
  base: Started,
  agent: string,
  input: string,
  timeoutMs: number | undefined,
): StartResult {
  const facts = d.ctx.agents?.(agent);
  const called = { ...base, agent, input };
  if (facts?.forbidden !== undefined) {
    return startedThenFailed(d, called, {
      code: 'AGENT_FORBIDDEN',
      message: facts.forbidden,
      retryable: false,
    });
  }
  const refused = budgetRefusal(d, base.stepId, agent, input);
  if (refused !== undefined) return startedThenFailed(d, called, refused);
  if (facts?.kind === 'workflow' && facts.workflow !== undefined) {
    return startChildRun(d, { ...base, agent }, facts.workflow, input, timeoutMs);
  }
  const limit = timeoutMs ?? (facts?.kind === 'email' ? facts.replyTimeoutMs : undefined);
  d.emit('StepStarted', withLimit(called, limit));
  return STARTED;
}

function startChildRun(
  d: Decision,
  base: Started,
  workflow: string,
  input: string,
  timeoutMs?: number,
): StartResult {
  if (d.state.depth + 1 > MAX_WORKFLOW_DEPTH) {
    return startedThenFailed(d, base, {
      code: 'SUBWORKFLOW_TOO_DEEP',
      message: `step "${base.stepId}" would run workflow "${workflow}" ${d.state.depth + 1} levels deep; the limit is ${MAX_WORKFLOW_DEPTH} (do workflows call each other in a cycle?)`,
      retryable: false,
    });
  }
  const child = childRunId(d.runId, base.stepId, base.visit, base.attempt);
  const limits = childBudget(d);
  const started: Started = { ...base, workflow, input, childRunId: child, ...(limits ? { limits } : {}) };
  d.emit('StepStarted', withLimit(started, timeoutMs));
  return STARTED;
}

function startSwitch(d: Decision, step: SwitchStep, base: Started): StartResult {
  d.emit('StepStarted', base);
  let target: string | undefined;
  for (const choice of step.cases) {
    if (choice.isDefault || choice.when === undefined) continue;
    const value = d.evaluate(choice.when, `a case of switch "${step.id}"`);
    if (!value.ok) return failed(value.error);
    if (isTruthy(value.value)) {
      target = choice.goto;
      break;
    }
  }
  target ??= step.cases.find((choice) => choice.isDefault)?.goto;
  if (target === undefined) {
    return failed({
      code: 'SWITCH_NO_MATCH',
      message: `no case of switch "${step.id}" is true and it has no default`,
      retryable: false,
    });
  }
  d.emit('StepSucceeded', {
    stepId: step.id,
    visit: base.visit,
    attempt: base.attempt,
    output: target,
    durationMs: 0,
  });
  return { kind: 'goto', target };
}

function startForeach(d: Decision, step: ForeachStep, base: Started): StartResult {
  const value = d.evaluate(step.items, `the list of foreach "${step.id}"`);
  if (!value.ok) return startedThenFailed(d, base, value.error);
  if (!Array.isArray(value.value)) {
    return startedThenFailed(d, base, {
      code: 'FOREACH_NOT_A_LIST',
      message: `foreach "${step.id}": ${step.items.trim()} gave ${describe(value.value)}, not a list`,
      retryable: false,
    });
  }
  d.emit('StepStarted', { ...base, items: value.value });
  return STARTED;
}

/** The step shows as started (so read models list it) and fails at once; nothing is called. */
function startedThenFailed(d: Decision, base: Started, error: StepError): StartResult {
  d.emit('StepStarted', base);
  return failed(error);
}

function withLimit<T extends object>(data: T, timeoutMs: number | undefined): T & { timeoutMs?: number } {
  return timeoutMs === undefined ? data : { ...data, timeoutMs };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
