import { spec } from './testing/decider-specification';
import { complete, fire, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, ok } from './testing/run-script';

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
const pipeline = { 'summarize@': { kind: 'workflow' as const, workflow: 'summarize-pipeline' } };

describe('agents by kind (the directory’s facts)', () => {
  it('a workflow-kind agent runs its workflow as a sub-workflow, keeping the step’s agent', () => {
    const h = new RunHistory(seed);
    spec(seed, { agents: pipeline })
      .given([h.runStarted({ user_input: 'CRM' }), h.stepStarted('research')])
      .when(complete('research', ok('notes')))
      .then([
        'StepSucceeded:research',
        {
          type: 'StepStarted',
          data: {
            stepId: 'summarize',
            kind: 'agent',
            agent: 'summarize@',
            workflow: 'summarize-pipeline',
            input: 'Summarize this research: notes',
            childRunId: 'run-1-summarize-1-1',
          },
        },
      ])
      .and(complete('summarize', ok('the pipeline’s summary')))
      .then([
        'StepSucceeded:summarize',
        { type: 'RunSucceeded', data: { output: 'the pipeline’s summary' } },
      ]);
  });

  it('a workflow-kind agent’s step that times out gives up its child run', () => {
    const timed = definitionOf(`
name: timed
steps:
  - id: summarize
    agent: summarize@
    timeout: 1m
`);
    const h = new RunHistory(timed);
    spec(timed, { agents: pipeline })
      .given([
        h.runStarted(),
        h.stepStarted('summarize', { workflow: 'summarize-pipeline', childRunId: 'run-1-summarize-1-1' }),
      ])
      .when(fire({ kind: 'step-timeout', stepId: 'summarize', visit: 1, attempt: 1 }))
      .then([
        { type: 'ChildRunAbandoned', data: { stepId: 'summarize', childRunId: 'run-1-summarize-1-1' } },
        'StepFailed:summarize',
        'RunFailed',
      ]);
  });

  it('foreach items run through a workflow-kind agent too', () => {
    const each = definitionOf(`
name: each
inputs: [{ name: topics, type: array }]
steps:
  - id: each
    foreach: "{{ topics }}"
    as: topic
    agent: summarize@
`);
    spec(each, { agents: pipeline })
      .given()
      .when(start(each, { topics: ['a'] }))
      .then([
        'RunStarted',
        'StepStarted:each',
        {
          type: 'StepStarted',
          data: { stepId: 'each[0]', workflow: 'summarize-pipeline', childRunId: 'run-1-each~0-1-1' },
        },
      ]);
  });

  it('an agent the workflow may not use is refused before it is called (AGENT_FORBIDDEN, permanent)', () => {
    const forbidden = {
      'research@': { kind: 'http' as const, forbidden: 'research@ may be used only by the workflows intel' },
    };
    spec(seed, { agents: forbidden })
      .given()
      .when(start(seed, { user_input: 'CRM' }))
      .then([
        'RunStarted',
        'StepStarted:research',
        {
          type: 'StepFailed',
          data: {
            error: {
              code: 'AGENT_FORBIDDEN',
              message: 'research@ may be used only by the workflows intel',
              retryable: false,
            },
          },
        },
        'RunFailed',
      ]);
  });

  it('an email agent’s wait is bounded by its default when the step has no timeout of its own', () => {
    const mailbox = { 'research@': { kind: 'email' as const, replyTimeoutMs: 86_400_000 } };
    spec(seed, { agents: mailbox })
      .given()
      .when(start(seed))
      .then(['RunStarted', { type: 'StepStarted', data: { agent: 'research@', timeoutMs: 86_400_000 } }]);
    const own = definitionOf(`
name: own
steps:
  - id: research
    agent: research@
    timeout: 2h
`);
    spec(own, { agents: mailbox })
      .given()
      .when(start(own))
      .then(['RunStarted', { type: 'StepStarted', data: { timeoutMs: 7_200_000 } }]);
  });

  it('any other kind of agent is simply called', () => {
    spec(seed, { agents: { 'research@': { kind: 'openai' } } })
      .given()
      .when(start(seed))
      .then([
        'RunStarted',
        {
          type: 'StepStarted',
          data: { stepId: 'research', agent: 'research@', childRunId: undefined, timeoutMs: undefined },
        },
      ]);
  });
});
