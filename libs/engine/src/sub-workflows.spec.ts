import { childRunId, childRunInputs } from '@chainmail/engine';
import { spec } from './testing/decider-specification';
import { cancel, complete, fire, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, ok } from './testing/run-script';

const parent = definitionOf(`
name: parent
steps:
  - id: prepare
    agent: echo@
  - id: analysis
    workflow: competitor-analysis
    input: "{{ prepare.output }}"
    timeout: 5m
    retry: { max: 1, delay: 1s, jitter: false }
  - id: publish
    agent: echo@
    input: "{{ analysis.output }}"
`);

/** The prepare step is running. */
const preparing = () => {
  const h = new RunHistory(parent);
  return spec(parent).given([h.runStarted(), h.stepStarted('prepare')]);
};

/** The analysis child run is at work. */
const analysing = () => {
  const h = new RunHistory(parent);
  return spec(parent).given([
    h.runStarted(),
    h.stepStarted('prepare'),
    h.stepSucceeded('prepare', 'CRM'),
    h.stepStarted('analysis', { input: 'CRM', childRunId: 'run-1-analysis-1-1' }),
  ]);
};

describe('sub-workflows', () => {
  it('a workflow step starts a child run whose id is derived from the attempt', () => {
    preparing()
      .when(complete('prepare', ok('CRM')))
      .then([
        'StepSucceeded:prepare',
        {
          type: 'StepStarted',
          data: {
            stepId: 'analysis',
            kind: 'workflow',
            workflow: 'competitor-analysis',
            input: 'CRM',
            childRunId: 'run-1-analysis-1-1',
            timeoutMs: 300_000,
            agent: undefined,
          },
        },
      ]);
  });

  it('the child run’s output is the step’s', () => {
    analysing()
      .when(complete('analysis', ok('the report')))
      .then([
        'StepSucceeded:analysis',
        { type: 'StepStarted', data: { stepId: 'publish', input: 'the report' } },
      ]);
  });

  it('a step that times out gives up its child run; the retry starts a new child', () => {
    analysing()
      .when(fire({ kind: 'step-timeout', stepId: 'analysis', visit: 1, attempt: 1 }))
      .then([
        { type: 'ChildRunAbandoned', data: { childRunId: 'run-1-analysis-1-1' } },
        'StepFailed:analysis',
        'StepRetryScheduled:analysis',
      ])
      .and(fire({ kind: 'retry', stepId: 'analysis', visit: 1, attempt: 2 }))
      .then([{ type: 'StepStarted', data: { childRunId: 'run-1-analysis-1-2' } }]);
  });

  it('cancelling the parent gives up its running child runs', () => {
    analysing().when(cancel()).then(['ChildRunAbandoned:analysis', 'RunCancelled']);
  });

  it('a child run records its parent and depth, and may not nest deeper than 8', () => {
    const nested = { parent: { runId: 'p', stepId: 's', visit: 1, attempt: 1 }, depth: 8 };
    spec(parent, { runId: 'child' })
      .given()
      .when(start(parent, {}, { ...nested, runId: 'child' }))
      .then([{ type: 'RunStarted', data: { parent: { runId: 'p' }, depth: 8 } }, 'StepStarted:prepare'])
      .and(complete('prepare', ok('x')))
      .then([
        'StepSucceeded:prepare',
        'StepStarted:analysis',
        { type: 'StepFailed', data: { error: { code: 'SUBWORKFLOW_TOO_DEEP', retryable: false } } },
        'RunFailed',
      ]);
  });

  it('a foreach runs a workflow for each item', () => {
    const eachChild = definitionOf(`
name: each-child
inputs: [{ name: topics, type: array }]
steps:
  - id: each
    foreach: "{{ topics }}"
    as: topic
    workflow: competitor-analysis
`);
    spec(eachChild)
      .given()
      .when(start(eachChild, { topics: ['crm', 'erp'] }))
      .then([
        'RunStarted',
        'StepStarted:each',
        {
          type: 'StepStarted',
          data: {
            stepId: 'each[0]',
            workflow: 'competitor-analysis',
            input: 'crm',
            childRunId: 'run-1-each~0-1-1',
          },
        },
        'StepStarted:each[1]',
      ]);
  });
});

describe('child run ids and inputs', () => {
  it('are one subject token and tell attempts apart', () => {
    expect(childRunId('r', 'fan-out[12]', 2, 3)).toBe('r-fan-out~12-2-3');
    expect(childRunId('r', 'a', 1, 1)).not.toBe(childRunId('r', 'a', 1, 2));
  });

  it('pass the input as user_input, and a JSON object’s fields as inputs', () => {
    expect(childRunInputs('plain')).toEqual({ user_input: 'plain' });
    expect(childRunInputs('{"client":"ACME","__proto__":{"x":1}}')).toEqual({
      client: 'ACME',
      user_input: '{"client":"ACME","__proto__":{"x":1}}',
    });
  });
});
