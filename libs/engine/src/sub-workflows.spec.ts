import { childRunId, childRunInputs } from './child-run';
import { definitionOf, ok, RunScript, trace } from './testing/run-script';

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

describe('sub-workflows', () => {
  it('starts a workflow step with the child run id derived from the attempt', () => {
    const run = new RunScript(parent);
    run.start();
    const events = run.succeed('prepare', 'CRM');
    expect(events[1]).toMatchObject({
      type: 'StepStarted',
      data: {
        stepId: 'analysis',
        kind: 'workflow',
        workflow: 'competitor-analysis',
        input: 'CRM',
        childRunId: 'run-1-analysis-1-1',
        timeoutMs: 300_000,
      },
    });
    expect(events[1].data).not.toHaveProperty('agent');
  });

  it('takes the child run\u2019s output as the step\u2019s', () => {
    const run = new RunScript(parent);
    run.start();
    run.succeed('prepare', 'CRM');
    run.complete('analysis', ok('the report'));
    expect(run.step('publish').input).toBe('the report');
  });

  it('gives up on the child run when the step times out, and retries with a new child', () => {
    const run = new RunScript(parent);
    run.start();
    run.succeed('prepare', 'CRM');
    const events = run.fire({ kind: 'step-timeout', stepId: 'analysis', visit: 1, attempt: 1 }, 300_000);
    expect(trace(events)).toEqual([
      'ChildRunAbandoned:analysis',
      'StepFailed:analysis',
      'StepRetryScheduled:analysis',
    ]);
    expect(events[0].data).toMatchObject({ childRunId: 'run-1-analysis-1-1' });
    const retried = run.fire({ kind: 'retry', stepId: 'analysis', visit: 1, attempt: 2 }, 1000);
    expect(retried[0].data).toMatchObject({ childRunId: 'run-1-analysis-1-2' });
  });

  it('cancelling the parent gives up on its running child runs', () => {
    const run = new RunScript(parent);
    run.start();
    run.succeed('prepare', 'CRM');
    expect(trace(run.cancel())).toEqual(['ChildRunAbandoned:analysis', 'RunCancelled']);
  });

  it('records the parent and depth of a child run, and refuses to nest deeper than 8', () => {
    const child = new RunScript(parent, 'child');
    const started = child.start({}, { parent: { runId: 'p', stepId: 's', visit: 1, attempt: 1 }, depth: 8 });
    expect(started[0].data).toMatchObject({ parent: { runId: 'p' }, depth: 8 });
    const events = child.succeed('prepare', 'x');
    expect(trace(events)).toEqual([
      'StepSucceeded:prepare',
      'StepStarted:analysis',
      'StepFailed:analysis',
      'RunFailed',
    ]);
    expect(events[2].data).toMatchObject({ error: { code: 'SUBWORKFLOW_TOO_DEEP', retryable: false } });
  });

  it('runs a workflow for each item of a foreach', () => {
    const definition = definitionOf(`
name: each-child
inputs: [{ name: topics, type: array }]
steps:
  - id: each
    foreach: "{{ topics }}"
    as: topic
    workflow: competitor-analysis
`);
    const run = new RunScript(definition);
    const events = run.start({ topics: ['crm', 'erp'] });
    expect(events[2].data).toMatchObject({
      stepId: 'each[0]',
      workflow: 'competitor-analysis',
      input: 'crm',
      childRunId: 'run-1-each~0-1-1',
    });
  });
});

describe('child run ids and inputs', () => {
  it('are one subject token and tell attempts apart', () => {
    expect(childRunId('r', 'fan-out[12]', 2, 3)).toBe('r-fan-out~12-2-3');
    expect(childRunId('r', 'a', 1, 1)).not.toBe(childRunId('r', 'a', 1, 2));
  });

  it('pass the input as user_input, and a JSON object\u2019s fields as inputs', () => {
    expect(childRunInputs('plain')).toEqual({ user_input: 'plain' });
    expect(childRunInputs('{"client":"ACME","__proto__":{"x":1}}')).toEqual({
      client: 'ACME',
      user_input: '{"client":"ACME","__proto__":{"x":1}}',
    });
  });
});
