import type { RunEvent, Usage } from '@chainmail/contracts';
import { estimateCall } from './budget';
import type { StepOutcome } from './commands';
import { definitionOf, RunScript, trace } from './testing/run-script';

const used = (output: string, usage: Usage): StepOutcome => ({ ok: true, output, usage, durationMs: 5 });
const failedOf = (events: RunEvent[], stepId: string) =>
  events.find((e) => e.type === 'StepFailed' && e.data.stepId === stepId)?.data as
    { error: { code: string; message: string; retryable: boolean } } | undefined;

const MODEL = {
  kind: 'openai' as const,
  pricing: { inputUsdPerMillion: 1, outputUsdPerMillion: 2, maxOutputTokens: 1000 },
};

const twoCalls = (limits: string, onError = 'abort'): RunScript => {
  const run = new RunScript(
    definitionOf(`
name: budgeted
limits: ${limits}
steps:
  - id: research
    agent: model@
    input: "{{ user_input }}"
  - id: summarize
    agent: model@
    input: "{{ research.output }}"
    on_error: ${onError}
`),
  );
  run.agents = { 'model@': MODEL };
  return run;
};

describe('budget (limits: max_cost, max_tokens)', () => {
  it('refuses the next call once the run has used its max_tokens, before calling, and fails the run', () => {
    const run = twoCalls('{ max_tokens: 2000 }');
    run.start({ user_input: 'crm' });
    const events = run.complete('research', used('findings', { promptTokens: 800, completionTokens: 1200 }));
    expect(trace(events)).toEqual([
      'StepSucceeded:research',
      'StepStarted:summarize',
      'StepFailed:summarize',
      'RunFailed',
    ]);
    expect(events[1].data).toMatchObject({ agent: 'model@', input: 'findings' });
    expect(failedOf(events, 'summarize')?.error).toEqual({
      code: 'AGENT_BUDGET_EXCEEDED',
      message: 'step "summarize" did not call model@: the run has used 2000 tokens of its max_tokens 2000',
      retryable: false,
    });
    expect(run.state.error).toMatchObject({ code: 'AGENT_BUDGET_EXCEEDED', stepId: 'summarize' });
  });

  it('refuses a call whose estimate would pass max_cost, naming the estimate and what was spent', () => {
    // Estimate: 4000 characters = 1000 input tokens at $1/M, plus 1000 output tokens at $2/M = $0.003.
    const run = twoCalls('{ max_cost: 0.01 }');
    run.start({ user_input: 'crm' });
    const events = run.complete('research', used('x'.repeat(4000), { costUsd: 0.008 }));
    expect(failedOf(events, 'summarize')?.error.message).toBe(
      'step "summarize" did not call model@: the call could cost up to $0.00300 (2000 tokens estimated) and the run has spent $0.00800 of its max_cost $0.01',
    );
  });

  it('lets the call through when the estimate fits', () => {
    const run = twoCalls('{ max_cost: 0.02, max_tokens: 10000 }');
    run.start({ user_input: 'crm' });
    const events = run.complete(
      'research',
      used('x'.repeat(4000), { costUsd: 0.008, promptTokens: 10, completionTokens: 10 }),
    );
    expect(trace(events)).toEqual(['StepSucceeded:research', 'StepStarted:summarize']);
    expect(run.state.spent).toEqual({ costUsd: 0.008, promptTokens: 10, completionTokens: 10 });
  });

  it('applies the step\u2019s on_error to a refusal', () => {
    const run = twoCalls('{ max_tokens: 1100 }', 'skip');
    run.start({ user_input: 'crm' });
    const events = run.complete('research', used('findings', { promptTokens: 1100 }));
    expect(trace(events)).toEqual([
      'StepSucceeded:research',
      'StepStarted:summarize',
      'StepFailed:summarize',
      'StepSkipped:summarize',
      'RunSucceeded',
    ]);
  });

  it('counts what failed attempts spent, and checks again before each retry', () => {
    const run = new RunScript(
      definitionOf(`
name: retried
limits: { max_tokens: 1500 }
steps:
  - id: call
    agent: model@
    retry: { max: 3, delay: 1s, jitter: false }
`),
    );
    run.start();
    run.complete('call', {
      ok: false,
      error: { code: 'SUBWORKFLOW_FAILED', message: 'no', retryable: true },
      durationMs: 5,
      usage: { promptTokens: 1000, completionTokens: 600 },
    });
    expect(run.state.spent.promptTokens + run.state.spent.completionTokens).toBe(1600);
    const events = run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 }, 1000);
    expect(trace(events)).toEqual(['StepStarted:call', 'StepFailed:call', 'RunFailed']);
    expect(failedOf(events, 'call')?.error.code).toBe('AGENT_BUDGET_EXCEEDED');
  });

  it('checks each foreach item before its call', () => {
    const run = new RunScript(
      definitionOf(`
name: items
limits: { max_tokens: 500 }
inputs: [{ name: topics, type: array }]
steps:
  - id: each
    foreach: "{{ topics }}"
    as: topic
    concurrency: 1
    agent: model@
    on_error: skip
`),
    );
    run.start({ topics: ['a', 'b', 'c'] });
    const events = run.complete('each[0]', used('A', { promptTokens: 300, completionTokens: 200 }));
    expect(trace(events)).toEqual([
      'StepSucceeded:each[0]',
      'StepStarted:each[1]',
      'StepFailed:each[1]',
      'StepSkipped:each[1]',
      'StepStarted:each[2]',
      'StepFailed:each[2]',
      'StepSkipped:each[2]',
      'StepSucceeded:each',
      'RunSucceeded',
    ]);
  });

  it('gives a sub-workflow the rest of the budget and counts what it spent', () => {
    const run = new RunScript(
      definitionOf(`
name: parent
limits: { max_cost: 1, max_tokens: 5000 }
steps:
  - id: first
    agent: model@
  - id: child
    workflow: helper
  - id: last
    agent: model@
`),
    );
    run.start();
    const started = run.complete(
      'first',
      used('a', { costUsd: 0.25, promptTokens: 1000, completionTokens: 500 }),
    );
    expect(started[1].data).toMatchObject({
      stepId: 'child',
      childRunId: 'run-1-child-1-1',
      limits: { maxCostUsd: 0.75, maxTokens: 3500 },
    });
    run.complete('child', used('b', { costUsd: 0.75, promptTokens: 2000, completionTokens: 1000 }));
    expect(run.state.spent.costUsd).toBe(1);
    expect(failedOf(run.events, 'last')?.error.message).toBe(
      'step "last" did not call model@: the run has spent $1.00 of its max_cost $1.00',
    );
  });

  it('holds a child run to its share, tightened by its own limits', () => {
    const child = new RunScript(
      definitionOf(`
name: helper
limits: { max_tokens: 100000 }
steps:
  - id: call
    agent: model@
  - id: again
    agent: model@
`),
      'child',
    );
    const started = child.start(
      {},
      { parent: { runId: 'p', stepId: 's', visit: 1, attempt: 1 }, depth: 1, limits: { maxTokens: 300 } },
    );
    expect(started[0].data).toMatchObject({ limits: { maxTokens: 300 } });
    const events = child.complete('call', used('a', { promptTokens: 300 }));
    expect(failedOf(events, 'again')?.error.message).toContain('max_tokens 300');
  });

  it('refuses a sub-workflow once the budget is spent', () => {
    const run = new RunScript(
      definitionOf(`
name: parent
limits: { max_cost: 0.1 }
steps:
  - id: first
    agent: model@
  - id: child
    workflow: helper
`),
    );
    run.start();
    const events = run.complete('first', used('a', { costUsd: 0.1 }));
    expect(failedOf(events, 'child')?.error).toMatchObject({ code: 'AGENT_BUDGET_EXCEEDED' });
    expect(events.find((e) => e.type === 'StepStarted')?.data).not.toHaveProperty('childRunId');
  });

  it('checks nothing in a run without limits', () => {
    const run = twoCalls('{}');
    run.start({ user_input: 'crm' });
    const events = run.complete('research', used('x', { promptTokens: 1e9, costUsd: 1e6 }));
    expect(trace(events)).toEqual(['StepSucceeded:research', 'StepStarted:summarize']);
  });
});

describe('estimateCall', () => {
  it('counts the input at four characters a token and the output cap, at the agent\u2019s prices', () => {
    expect(estimateCall(MODEL, 'x'.repeat(401))).toEqual({
      tokens: 101 + 1000,
      costUsd: (101 * 1 + 1000 * 2) / 1e6,
    });
    expect(estimateCall({ kind: 'openai', pricing: {} }, 'abcd')).toEqual({ tokens: 1, costUsd: 0 });
    expect(estimateCall({ kind: 'http' }, 'x'.repeat(1000))).toEqual({ tokens: 0, costUsd: 0 });
    expect(estimateCall(undefined, 'x')).toEqual({ tokens: 0, costUsd: 0 });
  });
});
