import { spec } from './testing/decider-specification';
import { complete, fire, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, failure, ok } from './testing/run-script';

const perCompetitor = definitionOf(`
name: per-competitor
steps:
  - id: research
    agent: research@
  - id: per-competitor
    foreach: "{{ research.json.competitors }}"
    as: competitor
    concurrency: 2
    agent: analyze@
    input: "#{{ competitor_index }} {{ competitor.name }}"
    retry: { max: 1, delay: 1s, jitter: false }
  - id: report
    agent: write-report@
    input: "{{ per-competitor.output }} / {{ per-competitor.output[2] }}"
`);
const COMPETITORS = [{ name: 'A' }, { name: 'B' }, { name: 'C' }];
const RESEARCH = JSON.stringify({ competitors: COMPETITORS });

/** Research is running. */
const researching = () => {
  const h = new RunHistory(perCompetitor);
  return spec(perCompetitor).given([h.runStarted(), h.stepStarted('research')]);
};

/** The foreach began over three competitors; items 0 and 1 run. */
const fanningOut = () => {
  const h = new RunHistory(perCompetitor);
  const item = (index: number) =>
    h.stepStarted(`per-competitor[${index}]`, {
      kind: 'item',
      parent: 'per-competitor',
      index,
      agent: 'analyze@',
      input: `#${index} ${COMPETITORS[index].name}`,
    });
  return spec(perCompetitor).given([
    h.runStarted(),
    h.stepStarted('research'),
    h.stepSucceeded('research', RESEARCH),
    h.stepStarted('per-competitor', { items: COMPETITORS }),
    item(0),
    item(1),
  ]);
};

describe('foreach', () => {
  it('a foreach starts with its list and at most `concurrency` items, each with its item and index bound', () => {
    researching()
      .when(complete('research', ok(RESEARCH)))
      .then([
        'StepSucceeded:research',
        { type: 'StepStarted', data: { stepId: 'per-competitor', kind: 'foreach', items: COMPETITORS } },
        'StepStarted:per-competitor[0]',
        {
          type: 'StepStarted',
          data: { kind: 'item', parent: 'per-competitor', index: 1, agent: 'analyze@', input: '#1 B' },
        },
      ]);
  });

  it('an item that ends lets the next one start', () => {
    fanningOut()
      .when(complete('per-competitor[1]', ok('b')))
      .then(['StepSucceeded:per-competitor[1]', 'StepStarted:per-competitor[2]']);
  });

  it('the output is the items’ outputs in index order, whatever order they finished in', () => {
    fanningOut()
      .when(complete('per-competitor[1]', ok('b')))
      .and(complete('per-competitor[2]', ok('c')))
      .and(complete('per-competitor[0]', ok('a')))
      .then([
        'StepSucceeded:per-competitor[0]',
        { type: 'StepSucceeded', data: { stepId: 'per-competitor', items: ['a', 'b', 'c'] } },
        { type: 'StepStarted', data: { stepId: 'report', input: '["a","b","c"] / c' } },
      ]);
  });

  it('an item is retried by the foreach’s retry; its last failure fails the foreach and the run', () => {
    fanningOut()
      .when(complete('per-competitor[0]', failure('AGENT_FAILED', true)))
      .then(['StepFailed:per-competitor[0]', 'StepRetryScheduled:per-competitor[0]'])
      .and(fire({ kind: 'retry', stepId: 'per-competitor[0]', visit: 1, attempt: 2 }))
      .then([{ type: 'StepStarted', data: { stepId: 'per-competitor[0]', attempt: 2, input: '#0 A' } }])
      .and(complete('per-competitor[0]', failure('AGENT_FAILED', true), { attempt: 2 }))
      .then([
        'StepFailed:per-competitor[0]',
        'StepSkipped:per-competitor[1]',
        'StepFailed:per-competitor',
        {
          type: 'RunFailed',
          data: { error: { stepId: 'per-competitor', message: 'item 0 failed: AGENT_FAILED happened' } },
        },
      ]);
  });

  it('with on_error: continue, a failed item is null in the list and the others go on', () => {
    const tolerant = definitionOf(`
name: tolerant
inputs: [{ name: names, type: array }]
steps:
  - id: each
    foreach: "{{ names }}"
    agent: echo@
    on_error: continue
`);
    spec(tolerant)
      .given()
      .when(start(tolerant, { names: ['x', 'y'] }))
      .then([
        'RunStarted',
        'StepStarted:each',
        { type: 'StepStarted', data: { stepId: 'each[0]', input: 'x' } },
        'StepStarted:each[1]',
      ])
      .and(complete('each[0]', failure('AGENT_FAILED', false)))
      .then(['StepFailed:each[0]'])
      .and(complete('each[1]', ok('Y')))
      .then([
        'StepSucceeded:each[1]',
        { type: 'StepSucceeded', data: { stepId: 'each', items: [null, 'Y'] } },
        'RunSucceeded',
      ]);
  });

  it('an empty list succeeds at once', () => {
    const empty = definitionOf(`
name: empty
steps:
  - id: each
    foreach: "{{ [] }}"
    agent: echo@
`);
    spec(empty)
      .given()
      .when(start(empty))
      .then([
        'RunStarted',
        'StepStarted:each',
        'StepSucceeded:each',
        { type: 'RunSucceeded', data: { output: '[]' } },
      ]);
  });

  it('a list that is not a list fails the foreach permanently, naming the expression and what it gave', () => {
    researching()
      .when(complete('research', ok('no JSON here')))
      .then([
        'StepSucceeded:research',
        'StepStarted:per-competitor',
        {
          type: 'StepFailed',
          data: {
            error: {
              code: 'FOREACH_NOT_A_LIST',
              message: 'foreach "per-competitor": {{ research.json.competitors }} gave nothing, not a list',
              retryable: false,
            },
          },
        },
        'RunFailed',
      ]);
  });
});
