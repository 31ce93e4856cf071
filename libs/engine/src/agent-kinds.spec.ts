import { definitionOf, ok, RunScript, trace } from './testing/run-script';

const seed = definitionOf(`
name: competitor-analysis
steps:
  - id: research
    agent: research@
    input: "Research competitors for: {{ user_input }}"
  - id: summarize
    agent: summarize@
    input: "Summarize this research: {{ research.output }}"
`);

describe('agents by kind (the directory\u2019s facts)', () => {
  it('runs a workflow-kind agent\u2019s workflow as a sub-workflow, keeping the step\u2019s agent', () => {
    const run = new RunScript(seed);
    run.agents = { 'summarize@': { kind: 'workflow', workflow: 'summarize-pipeline' } };
    run.start({ user_input: 'CRM' });
    const events = run.succeed('research', 'notes');
    expect(events[1]).toMatchObject({
      type: 'StepStarted',
      data: {
        stepId: 'summarize',
        kind: 'agent',
        agent: 'summarize@',
        workflow: 'summarize-pipeline',
        input: 'Summarize this research: notes',
        childRunId: 'run-1-summarize-1-1',
      },
    });
    run.complete('summarize', ok('the pipeline\u2019s summary'));
    expect(run.state).toMatchObject({ status: 'succeeded', output: 'the pipeline\u2019s summary' });
  });

  it('gives up on the child run of a workflow-kind agent that times out', () => {
    const run = new RunScript(
      definitionOf(`
name: timed
steps:
  - id: summarize
    agent: summarize@
    timeout: 1m
`),
    );
    run.agents = { 'summarize@': { kind: 'workflow', workflow: 'summarize-pipeline' } };
    run.start();
    const events = run.fire({ kind: 'step-timeout', stepId: 'summarize', visit: 1, attempt: 1 }, 60_000);
    expect(trace(events)).toEqual(['ChildRunAbandoned:summarize', 'StepFailed:summarize', 'RunFailed']);
  });

  it('runs foreach items through a workflow-kind agent too', () => {
    const run = new RunScript(
      definitionOf(`
name: each
inputs: [{ name: topics, type: array }]
steps:
  - id: each
    foreach: "{{ topics }}"
    as: topic
    agent: summarize@
`),
    );
    run.agents = { 'summarize@': { kind: 'workflow', workflow: 'summarize-pipeline' } };
    const events = run.start({ topics: ['a'] });
    expect(events[2].data).toMatchObject({
      stepId: 'each[0]',
      workflow: 'summarize-pipeline',
      childRunId: 'run-1-each~0-1-1',
    });
  });

  it('refuses an agent the workflow may not use, before calling it', () => {
    const run = new RunScript(seed);
    run.agents = {
      'research@': { kind: 'http', forbidden: 'research@ may be used only by the workflows intel' },
    };
    const events = run.start({ user_input: 'CRM' });
    expect(trace(events)).toEqual(['RunStarted', 'StepStarted:research', 'StepFailed:research', 'RunFailed']);
    expect(events[2].data).toMatchObject({
      error: {
        code: 'AGENT_FORBIDDEN',
        message: 'research@ may be used only by the workflows intel',
        retryable: false,
      },
    });
  });

  it('bounds an email agent\u2019s wait by its default when the step has no timeout', () => {
    const run = new RunScript(seed);
    run.agents = { 'research@': { kind: 'email', replyTimeoutMs: 86_400_000 } };
    expect(run.start()[1].data).toMatchObject({ agent: 'research@', timeoutMs: 86_400_000 });
    const own = new RunScript(
      definitionOf(`
name: own
steps:
  - id: research
    agent: research@
    timeout: 2h
`),
    );
    own.agents = run.agents;
    expect(own.start()[1].data).toMatchObject({ timeoutMs: 7_200_000 });
  });

  it('calls every other agent as before', () => {
    const run = new RunScript(seed);
    run.agents = { 'research@': { kind: 'openai' } };
    const started = run.start()[1].data;
    expect(started).toMatchObject({ stepId: 'research', agent: 'research@' });
    expect(started).not.toHaveProperty('childRunId');
    expect(started).not.toHaveProperty('timeoutMs');
  });
});
