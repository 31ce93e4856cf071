import { decide, decideAndFold } from './decide';
import { evolve, evolveAll } from './evolve';
import { initialRunState } from './run-state';
import { definitionOf, failure, ok } from './testing/run-script';
import { spec } from './testing/decider-specification';
import { cancel, complete, start } from './testing/commands';
import { RunHistory } from './testing/run-events';

const competitorAnalysis = definitionOf(`
name: competitor-analysis
vars: { team: crm }
steps:
  - name: research
    agent: research@
    input: "Research competitors for: {{user_input}}"
  - name: summarize
    agent: summarize@
    input: "Summarize this research: {{research.output}}"
  - name: draft
    agent: write-report@
    input: |-
      Create a report based on:
      {{summarize.output}}
  - name: review
    agent: proofread@
    input: "Review and polish: {{draft.output}}"
output: "{{review.output}}"
`);

/** The seed run with research started. */
const researching = (h: RunHistory) => [
  h.runStarted({ user_input: 'CRM tools' }),
  h.stepStarted('research', { input: 'Research competitors for: CRM tools' }),
];

describe('decide: sequential runs', () => {
  it('a start begins the run and its first step, with the input rendered', () => {
    spec(competitorAnalysis)
      .given()
      .when(start(competitorAnalysis, { user_input: 'CRM tools' }))
      .then([
        {
          type: 'RunStarted',
          data: { workflow: 'competitor-analysis', inputs: { user_input: 'CRM tools' } },
        },
        {
          type: 'StepStarted',
          data: {
            stepId: 'research',
            agent: 'research@',
            visit: 1,
            attempt: 1,
            input: 'Research competitors for: CRM tools',
          },
        },
      ]);
  });

  it('a start records the trace context it came in, and the run keeps it', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [started] = decide(
      start(competitorAnalysis, { user_input: 'CRM tools' }, { traceparent }),
      initialRunState('run-1'),
      {
        definition: competitorAnalysis,
        now: 0,
      },
    );
    expect(started).toMatchObject({ type: 'RunStarted', data: { traceparent } });
    expect(evolve(initialRunState('run-1'), started).traceparent).toBe(traceparent);
  });

  it('decideAndFold gives the state its events lead to, and the state it was given when there are none', () => {
    const ctx = { definition: competitorAnalysis, now: 0 };
    const before = initialRunState('run-1');
    const decided = decideAndFold(start(competitorAnalysis, { user_input: 'CRM tools' }), before, ctx);
    expect(decided.events.map((e) => e.type)).toEqual(['RunStarted', 'StepStarted']);
    expect(decided.state).toStrictEqual(evolveAll(before, decided.events));
    const again = decideAndFold(start(competitorAnalysis, { user_input: 'CRM tools' }), decided.state, ctx);
    expect(again).toEqual({ events: [], state: decided.state });
  });

  it('a second start of the same run decides nothing', () => {
    const h = new RunHistory(competitorAnalysis);
    spec(competitorAnalysis)
      .given(researching(h))
      .when(start(competitorAnalysis, { user_input: 'CRM tools' }))
      .thenNothing();
  });

  it('a step’s output is rendered into the next step’s input', () => {
    const h = new RunHistory(competitorAnalysis);
    spec(competitorAnalysis)
      .given(researching(h))
      .when(complete('research', ok('R-out')))
      .then([
        'StepSucceeded:research',
        { type: 'StepStarted', data: { stepId: 'summarize', input: 'Summarize this research: R-out' } },
      ]);
  });

  it('the last step’s success ends the run with the output template', () => {
    const h = new RunHistory(competitorAnalysis);
    spec(competitorAnalysis)
      .given([...researching(h), h.stepSucceeded('research', 'R'), h.stepStarted('summarize')])
      .when(complete('summarize', ok('S')))
      .and(complete('draft', ok('D')))
      .then([
        'StepSucceeded:draft',
        { type: 'StepStarted', data: { stepId: 'review', input: 'Review and polish: D' } },
      ])
      .and(complete('review', ok('Final report')))
      .then(['StepSucceeded:review', { type: 'RunSucceeded', data: { output: 'Final report' } }]);
  });

  it('a result for an attempt that is not running decides nothing (redelivery)', () => {
    const h = new RunHistory(competitorAnalysis);
    const afterResearch = spec(competitorAnalysis).given([
      ...researching(h),
      h.stepSucceeded('research', 'R'),
      h.stepStarted('summarize'),
    ]);
    afterResearch.when(complete('research', ok('R again'))).thenNothing();
    afterResearch.when(complete('summarize', ok('x'), { attempt: 2 })).thenNothing();
  });

  it('a template found in an output is never expanded again', () => {
    const h = new RunHistory(competitorAnalysis);
    spec(competitorAnalysis)
      .given(researching(h))
      .when(complete('research', ok('{{secrets.KEY}} and {{user_input}}')))
      .then([
        'StepSucceeded:research',
        {
          type: 'StepStarted',
          data: { input: 'Summarize this research: {{secrets.KEY}} and {{user_input}}' },
        },
      ]);
  });

  it('a step whose condition is false is skipped, and the next one starts', () => {
    const conditional = definitionOf(`
name: conditional
steps:
  - { id: step1, agent: echo@, input: hello }
  - { id: step2, agent: echo@, input: "{{step1.output}}", condition: "{{ step1.output == 'nope' }}" }
  - { id: step3, agent: echo@, input: "after: {{step2.output}}" }
`);
    const h = new RunHistory(conditional);
    spec(conditional)
      .given([h.runStarted(), h.stepStarted('step1', { input: 'hello' })])
      .when(complete('step1', ok('hello')))
      .then([
        'StepSucceeded:step1',
        'StepSkipped:step2',
        { type: 'StepStarted', data: { stepId: 'step3', input: 'after: ' } },
      ]);
  });

  it('without an output template the run’s output is the last step’s', () => {
    const plain = definitionOf(`
name: plain
steps:
  - { id: a, agent: echo@, input: x }
  - { id: b, agent: echo@, input: y }
`);
    const h = new RunHistory(plain);
    spec(plain)
      .given([h.runStarted(), h.stepStarted('a'), h.stepSucceeded('a', 'first'), h.stepStarted('b')])
      .when(complete('b', ok('last')))
      .then(['StepSucceeded:b', { type: 'RunSucceeded', data: { output: 'last' } }]);
  });
});

describe('decide: failures', () => {
  const retrying = definitionOf(`
name: retrying
steps:
  - id: a
    agent: flaky@
    input: x
    retry: { max: 2, backoff: fixed, delay: 1s, jitter: false }
`);

  it('a retryable failure with attempts left schedules the next attempt', () => {
    const h = new RunHistory(retrying);
    spec(retrying)
      .given([h.runStarted(), h.stepStarted('a')])
      .when(complete('a', failure('AGENT_FAILED', true)))
      .then([
        'StepFailed:a',
        { type: 'StepRetryScheduled', data: { stepId: 'a', attempt: 2, delayMs: 1000 } },
      ]);
  });

  it('the last attempt’s failure fails the run, naming the step', () => {
    const h = new RunHistory(retrying);
    spec(retrying)
      .given([
        h.runStarted(),
        h.stepStarted('a'),
        h.stepFailed('a', 'AGENT_FAILED', true),
        h.retryScheduled('a', 2, 1000),
        h.stepStarted('a', { attempt: 2 }),
        h.stepFailed('a', 'AGENT_FAILED', true, { attempt: 2 }),
        h.retryScheduled('a', 3, 1000),
        h.stepStarted('a', { attempt: 3 }),
      ])
      .when(complete('a', failure('AGENT_FAILED', true), { attempt: 3 }))
      .then(['StepFailed:a', { type: 'RunFailed', data: { error: { stepId: 'a', code: 'AGENT_FAILED' } } }]);
  });

  it('a permanent failure is not retried', () => {
    const h = new RunHistory(retrying);
    spec(retrying)
      .given([h.runStarted(), h.stepStarted('a')])
      .when(complete('a', failure('AGENT_BAD_INPUT', false)))
      .then(['StepFailed:a', 'RunFailed'])
      .thenFails('AGENT_BAD_INPUT', 'a');
  });

  const policies = definitionOf(`
name: policies
steps:
  - { id: a, agent: fail@, input: x, on_error: skip }
  - { id: b, agent: fail@, input: y, on_error: continue }
  - { id: c, agent: echo@, input: "{{ b.success }}" }
`);

  it('on_error: skip records the failure, skips the step and runs the next one', () => {
    const h = new RunHistory(policies);
    spec(policies)
      .given([h.runStarted(), h.stepStarted('a')])
      .when(complete('a', failure('AGENT_FAILED', false)))
      .then(['StepFailed:a', 'StepSkipped:a', 'StepStarted:b']);
  });

  it('on_error: continue keeps the failure and the next step reads it', () => {
    const h = new RunHistory(policies);
    spec(policies)
      .given([
        h.runStarted(),
        h.stepStarted('a'),
        h.stepFailed('a', 'AGENT_FAILED', false),
        h.stepSkipped('a', 'failed: AGENT_FAILED happened'),
        h.stepStarted('b'),
      ])
      .when(complete('b', failure('AGENT_FAILED', false)))
      .then(['StepFailed:b', { type: 'StepStarted', data: { stepId: 'c', input: 'false' } }]);
  });
});

describe('decide: cancellation', () => {
  it('a running run is cancelled once; later commands decide nothing', () => {
    const h = new RunHistory(competitorAnalysis);
    const cancelled = spec(competitorAnalysis)
      .given(researching(h))
      .when(cancel())
      .then([{ type: 'RunCancelled', data: { reason: 'user asked', by: 'api' } }]);
    cancelled.and(cancel()).thenNothing();
    cancelled.and(complete('research', ok('late'))).thenNothing();
  });
});
