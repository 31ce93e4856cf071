import { spec } from './testing/decider-specification';
import { complete, fire, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, failure, ok } from './testing/run-script';

const fanOut = definitionOf(`
name: fan-out
inputs: [topic]
steps:
  - id: fan-out
    parallel:
      - { id: web, agent: research@, input: "web: {{topic}}" }
      - { id: news, agent: research@, input: "news: {{topic}}", on_error: skip }
      - { id: blogs, agent: research@, input: "blogs: {{topic}}" }
  - id: merge
    agent: summarize@
    input: "first {{ fan-out.output[0] }}; all {{ fan-out.output }}; news {{ news.output }}"
`);

/** The group and its three branches are running. */
const fannedOut = () => {
  const h = new RunHistory(fanOut);
  return spec(fanOut).given([
    h.runStarted({ topic: 'crm' }),
    h.stepStarted('fan-out'),
    h.stepStarted('web', { parent: 'fan-out', input: 'web: crm' }),
    h.stepStarted('news', { parent: 'fan-out', input: 'news: crm' }),
    h.stepStarted('blogs', { parent: 'fan-out', input: 'blogs: crm' }),
  ]);
};

describe('parallel', () => {
  it('the group and all its branches start in one commit; the group calls no agent', () => {
    spec(fanOut)
      .given()
      .when(start(fanOut, { topic: 'crm' }))
      .then([
        'RunStarted',
        { type: 'StepStarted', data: { stepId: 'fan-out', kind: 'parallel', agent: undefined } },
        'StepStarted:web',
        {
          type: 'StepStarted',
          data: { stepId: 'news', parent: 'fan-out', agent: 'research@', input: 'news: crm' },
        },
        'StepStarted:blogs',
      ]);
  });

  it('the group succeeds once every branch has settled, its output their outputs in branch order', () => {
    fannedOut()
      .when(complete('blogs', ok('B')))
      .then(['StepSucceeded:blogs'])
      .and(complete('news', failure('AGENT_FAILED', false)))
      .then(['StepFailed:news', 'StepSkipped:news'])
      .and(complete('web', ok('W')))
      .then([
        'StepSucceeded:web',
        {
          type: 'StepSucceeded',
          data: { stepId: 'fan-out', items: ['W', null, 'B'], output: '["W",null,"B"]' },
        },
        { type: 'StepStarted', data: { stepId: 'merge', input: 'first W; all ["W",null,"B"]; news ' } },
      ]);
  });

  it('a branch failing with abort abandons the running branches and fails the group and the run', () => {
    fannedOut()
      .when(complete('web', failure('AGENT_BAD_INPUT', false)))
      .then([
        'StepFailed:web',
        { type: 'StepSkipped', data: { stepId: 'news', cause: 'abandoned' } },
        'StepSkipped:blogs',
        'StepFailed:fan-out',
        {
          type: 'RunFailed',
          data: {
            error: {
              code: 'AGENT_BAD_INPUT',
              stepId: 'fan-out',
              message: 'branch "web" failed: AGENT_BAD_INPUT happened',
            },
          },
        },
      ])
      // A result of an abandoned branch arrives late: nothing to decide.
      .and(complete('blogs', ok('late')))
      .thenNothing();
  });

  it('a branch aborting the group leaves it to the group’s own on_error', () => {
    const tolerant = definitionOf(`
name: tolerant-group
steps:
  - id: group
    on_error: continue
    parallel:
      - { id: a, agent: fail@ }
      - { id: b, agent: echo@ }
  - id: after
    agent: echo@
    input: "group ok: {{ group.success }}"
`);
    const h = new RunHistory(tolerant);
    spec(tolerant)
      .given([
        h.runStarted(),
        h.stepStarted('group'),
        h.stepStarted('a', { parent: 'group' }),
        h.stepStarted('b', { parent: 'group' }),
      ])
      .when(complete('a', failure('AGENT_FAILED', false)))
      .then([
        'StepFailed:a',
        'StepSkipped:b',
        'StepFailed:group',
        { type: 'StepStarted', data: { stepId: 'after', input: 'group ok: false' } },
      ]);
  });

  it('a branch whose condition is false is skipped, and groups nest', () => {
    const nested = definitionOf(`
name: nested
steps:
  - id: outer
    parallel:
      - { id: off, agent: echo@, condition: "{{ false }}" }
      - id: inner
        parallel:
          - { id: x, agent: echo@, input: "x" }
          - { id: y, agent: echo@, input: "y" }
`);
    spec(nested)
      .given()
      .when(start(nested))
      .then([
        'RunStarted',
        'StepStarted:outer',
        'StepSkipped:off',
        'StepStarted:inner',
        'StepStarted:x',
        'StepStarted:y',
      ])
      .and(complete('x', ok('X')))
      .and(complete('y', ok('Y')))
      .then([
        'StepSucceeded:y',
        'StepSucceeded:inner',
        { type: 'StepSucceeded', data: { stepId: 'outer', items: [null, ['X', 'Y']] } },
        'RunSucceeded',
      ]);
  });

  it('a group that outlives its own timeout fails, abandoning its branches', () => {
    const slow = definitionOf(`
name: slow-group
steps:
  - id: group
    timeout: 30s
    parallel:
      - { id: a, agent: sleep@ }
      - { id: b, agent: sleep@ }
`);
    spec(slow)
      .given()
      .when(start(slow))
      .then([
        'RunStarted',
        { type: 'StepStarted', data: { stepId: 'group', timeoutMs: 30_000 } },
        'StepStarted:a',
        'StepStarted:b',
      ])
      .and(complete('a', ok('done')))
      .and(fire({ kind: 'step-timeout', stepId: 'group', visit: 1, attempt: 1 }))
      .then([
        'StepSkipped:b',
        {
          type: 'StepFailed',
          data: {
            stepId: 'group',
            error: { code: 'STEP_TIMEOUT', message: 'step group did not finish within 30s', retryable: true },
          },
        },
        'RunFailed',
      ]);
  });
});
