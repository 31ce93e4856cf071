import type { Usage } from '@chainmail/contracts';
import type { StepOutcome } from '@chainmail/engine';
import { estimateCall } from '@chainmail/engine';
import { spec } from './testing/decider-specification';
import { complete, fire, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf } from './testing/run-script';

const used = (output: string, usage: Usage): StepOutcome => ({ ok: true, output, usage, durationMs: 5 });

const MODEL = {
  kind: 'openai' as const,
  pricing: { inputUsdPerMillion: 1, outputUsdPerMillion: 2, maxOutputTokens: 1000 },
};
const agents = { 'model@': MODEL };

const twoCalls = (limits: string, onError = 'abort') =>
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
`);

/** Research (a model call) is running under these limits. */
const researching = (limits: string, onError?: string) => {
  const definition = twoCalls(limits, onError);
  const h = new RunHistory(definition);
  return spec(definition, { agents }).given([
    h.runStarted({ user_input: 'crm' }),
    h.stepStarted('research', { input: 'crm' }),
  ]);
};

const refused = (message: string) => ({
  type: 'StepFailed' as const,
  data: { error: { code: 'AGENT_BUDGET_EXCEEDED', message, retryable: false } },
});

describe('budget (limits: max_cost, max_tokens)', () => {
  it('once the run has used its max_tokens the next call is refused before it is made, failing the run', () => {
    const decided = researching('{ max_tokens: 2000 }')
      .when(complete('research', used('findings', { promptTokens: 800, completionTokens: 1200 })))
      .then([
        'StepSucceeded:research',
        { type: 'StepStarted', data: { stepId: 'summarize', agent: 'model@', input: 'findings' } },
        refused('step "summarize" did not call model@: the run has used 2000 tokens of its max_tokens 2000'),
        'RunFailed',
      ])
      .thenFails('AGENT_BUDGET_EXCEEDED', 'summarize');
    expect(decided.state.error).toMatchObject({ code: 'AGENT_BUDGET_EXCEEDED', stepId: 'summarize' });
  });

  it('a call whose estimate would pass max_cost is refused, naming the estimate and what was spent', () => {
    // Estimate: 4000 characters = 1000 input tokens at $1/M, plus 1000 output tokens at $2/M = $0.003.
    researching('{ max_cost: 0.01 }')
      .when(complete('research', used('x'.repeat(4000), { costUsd: 0.008 })))
      .then([
        'StepSucceeded:research',
        'StepStarted:summarize',
        refused(
          'step "summarize" did not call model@: the call could cost up to $0.00300 (2000 tokens estimated) and the run has spent $0.00800 of its max_cost $0.01',
        ),
        'RunFailed',
      ]);
  });

  it('a call whose estimate fits goes through, and what was spent adds up', () => {
    const decided = researching('{ max_cost: 0.02, max_tokens: 10000 }')
      .when(
        complete(
          'research',
          used('x'.repeat(4000), { costUsd: 0.008, promptTokens: 10, completionTokens: 10 }),
        ),
      )
      .then(['StepSucceeded:research', 'StepStarted:summarize']);
    expect(decided.state.spent).toEqual({ costUsd: 0.008, promptTokens: 10, completionTokens: 10 });
  });

  it('a refusal is the step’s failure: its on_error applies', () => {
    researching('{ max_tokens: 1100 }', 'skip')
      .when(complete('research', used('findings', { promptTokens: 1100 })))
      .then([
        'StepSucceeded:research',
        'StepStarted:summarize',
        'StepFailed:summarize',
        'StepSkipped:summarize',
        'RunSucceeded',
      ]);
  });

  it('what failed attempts spent counts, and the budget is checked again before each retry', () => {
    const retried = definitionOf(`
name: retried
limits: { max_tokens: 1500 }
steps:
  - id: call
    agent: model@
    retry: { max: 3, delay: 1s, jitter: false }
`);
    const h = new RunHistory(retried);
    spec(retried, { agents })
      .given([
        h.runStarted(),
        h.stepStarted('call'),
        h.stepFailed('call', 'SUBWORKFLOW_FAILED', true, {
          usage: { promptTokens: 1000, completionTokens: 600 },
        }),
        h.retryScheduled('call', 2, 1000),
      ])
      .when(fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 }))
      .then(['StepStarted:call', 'StepFailed:call', 'RunFailed'])
      .thenFails('AGENT_BUDGET_EXCEEDED', 'call');
  });

  it('each foreach item is checked before its call', () => {
    const items = definitionOf(`
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
`);
    const h = new RunHistory(items);
    spec(items, { agents })
      .given([
        h.runStarted({ topics: ['a', 'b', 'c'] }),
        h.stepStarted('each', { items: ['a', 'b', 'c'] }),
        h.stepStarted('each[0]', { kind: 'item', parent: 'each', index: 0, agent: 'model@', input: 'a' }),
      ])
      .when(complete('each[0]', used('A', { promptTokens: 300, completionTokens: 200 })))
      .then([
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

  describe('sub-workflows', () => {
    const parent = definitionOf(`
name: parent
limits: { max_cost: 1, max_tokens: 5000 }
steps:
  - id: first
    agent: model@
  - id: child
    workflow: helper
  - id: last
    agent: model@
`);

    it('a sub-workflow gets the rest of the budget, and what it spent counts', () => {
      const h = new RunHistory(parent);
      spec(parent, { agents })
        .given([h.runStarted(), h.stepStarted('first')])
        .when(complete('first', used('a', { costUsd: 0.25, promptTokens: 1000, completionTokens: 500 })))
        .then([
          'StepSucceeded:first',
          {
            type: 'StepStarted',
            data: {
              stepId: 'child',
              childRunId: 'run-1-child-1-1',
              limits: { maxCostUsd: 0.75, maxTokens: 3500 },
            },
          },
        ])
        .and(complete('child', used('b', { costUsd: 0.75, promptTokens: 2000, completionTokens: 1000 })))
        .then([
          'StepSucceeded:child',
          'StepStarted:last',
          refused('step "last" did not call model@: the run has spent $1.00 of its max_cost $1.00'),
          'RunFailed',
        ]);
    });

    it('a child run is held to its share, tightened by its own limits', () => {
      const helper = definitionOf(`
name: helper
limits: { max_tokens: 100000 }
steps:
  - id: call
    agent: model@
  - id: again
    agent: model@
`);
      const share = {
        parent: { runId: 'p', stepId: 's', visit: 1, attempt: 1 },
        depth: 1,
        limits: { maxTokens: 300 },
      };
      // No prices known here: only what was spent counts.
      spec(helper)
        .given()
        .when(start(helper, {}, share))
        .then([{ type: 'RunStarted', data: { limits: { maxTokens: 300 } } }, 'StepStarted:call'])
        .and(complete('call', used('a', { promptTokens: 300 })))
        .then([
          'StepSucceeded:call',
          'StepStarted:again',
          refused('step "again" did not call model@: the run has used 300 tokens of its max_tokens 300'),
          'RunFailed',
        ]);
    });

    it('a sub-workflow is refused once the budget is spent, and no child run is named', () => {
      const small = definitionOf(`
name: parent
limits: { max_cost: 0.1 }
steps:
  - id: first
    agent: model@
  - id: child
    workflow: helper
`);
      const h = new RunHistory(small);
      spec(small, { agents })
        .given([h.runStarted(), h.stepStarted('first')])
        .when(complete('first', used('a', { costUsd: 0.1 })))
        .then([
          'StepSucceeded:first',
          { type: 'StepStarted', data: { stepId: 'child', childRunId: undefined } },
          'StepFailed:child',
          'RunFailed',
        ])
        .thenFails('AGENT_BUDGET_EXCEEDED', 'child');
    });
  });

  it('a run without limits checks nothing', () => {
    researching('{}')
      .when(complete('research', used('x', { promptTokens: 1e9, costUsd: 1e6 })))
      .then(['StepSucceeded:research', 'StepStarted:summarize']);
  });
});

describe('estimateCall', () => {
  it('counts the input at four characters a token and the output cap, at the agent’s prices', () => {
    expect(estimateCall(MODEL, 'x'.repeat(401))).toEqual({
      tokens: 101 + 1000,
      costUsd: (101 * 1 + 1000 * 2) / 1e6,
    });
    expect(estimateCall({ kind: 'openai', pricing: {} }, 'abcd')).toEqual({ tokens: 1, costUsd: 0 });
    expect(estimateCall({ kind: 'http' }, 'x'.repeat(1000))).toEqual({ tokens: 0, costUsd: 0 });
    expect(estimateCall(undefined, 'x')).toEqual({ tokens: 0, costUsd: 0 });
  });
});
