import { definitionOf, RunScript, trace } from './testing/run-script';

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
const RESEARCH = JSON.stringify({ competitors: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] });

describe('foreach', () => {
  it('starts at most `concurrency` items, each with the item and its index bound', () => {
    const run = new RunScript(perCompetitor);
    run.start();
    const events = run.succeed('research', RESEARCH);
    expect(trace(events)).toEqual([
      'StepSucceeded:research',
      'StepStarted:per-competitor',
      'StepStarted:per-competitor[0]',
      'StepStarted:per-competitor[1]',
    ]);
    expect(events[1].data).toMatchObject({
      kind: 'foreach',
      items: [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
    });
    expect(events[3].data).toMatchObject({
      kind: 'item',
      parent: 'per-competitor',
      index: 1,
      agent: 'analyze@',
      input: '#1 B',
    });
    expect(trace(run.succeed('per-competitor[1]', 'b'))).toEqual([
      'StepSucceeded:per-competitor[1]',
      'StepStarted:per-competitor[2]',
    ]);
  });

  it("outputs the items' outputs in index order, whatever order they finished in", () => {
    const run = new RunScript(perCompetitor);
    run.start();
    run.succeed('research', RESEARCH);
    run.succeed('per-competitor[1]', 'b');
    run.succeed('per-competitor[2]', 'c');
    const events = run.succeed('per-competitor[0]', 'a');
    expect(trace(events)).toEqual([
      'StepSucceeded:per-competitor[0]',
      'StepSucceeded:per-competitor',
      'StepStarted:report',
    ]);
    expect(events[1].data).toMatchObject({ items: ['a', 'b', 'c'] });
    expect(run.step('report').input).toBe('["a","b","c"] / c');
  });

  it("retries an item by the foreach's retry, then fails the foreach and the run", () => {
    const run = new RunScript(perCompetitor);
    run.start();
    run.succeed('research', RESEARCH);
    expect(trace(run.fail('per-competitor[0]', 'AGENT_FAILED', true))).toEqual([
      'StepFailed:per-competitor[0]',
      'StepRetryScheduled:per-competitor[0]',
    ]);
    expect(
      trace(run.fire({ kind: 'retry', stepId: 'per-competitor[0]', visit: 1, attempt: 2 }, 1000)),
    ).toEqual(['StepStarted:per-competitor[0]']);
    expect(run.step('per-competitor[0]')).toMatchObject({ attempt: 2, input: '#0 A' });
    const events = run.fail('per-competitor[0]', 'AGENT_FAILED', true);
    expect(trace(events)).toEqual([
      'StepFailed:per-competitor[0]',
      'StepSkipped:per-competitor[1]',
      'StepFailed:per-competitor',
      'RunFailed',
    ]);
    expect(events.at(-1)?.data).toMatchObject({
      error: { stepId: 'per-competitor', message: 'item 0 failed: AGENT_FAILED happened' },
    });
  });

  it('with on_error: continue, a failed item is null in the list and the others go on', () => {
    const definition = definitionOf(`
name: tolerant
inputs: [{ name: names, type: array }]
steps:
  - id: each
    foreach: "{{ names }}"
    agent: echo@
    on_error: continue
`);
    const run = new RunScript(definition);
    run.start({ names: ['x', 'y'] });
    expect(run.step('each[0]').input).toBe('x');
    run.fail('each[0]');
    const events = run.succeed('each[1]', 'Y');
    expect(events[1].data).toMatchObject({ stepId: 'each', items: [null, 'Y'] });
  });

  it('succeeds at once with an empty list', () => {
    const definition = definitionOf(`
name: empty
steps:
  - id: each
    foreach: "{{ [] }}"
    agent: echo@
`);
    const events = new RunScript(definition).start();
    expect(trace(events)).toEqual(['RunStarted', 'StepStarted:each', 'StepSucceeded:each', 'RunSucceeded']);
    expect(events.at(-1)?.data).toMatchObject({ output: '[]' });
  });

  it('fails permanently, naming the expression and what it gave, when the list is not a list', () => {
    const run = new RunScript(perCompetitor);
    run.start();
    const events = run.succeed('research', 'no JSON here');
    expect(trace(events)).toEqual([
      'StepSucceeded:research',
      'StepStarted:per-competitor',
      'StepFailed:per-competitor',
      'RunFailed',
    ]);
    expect(events[2].data).toMatchObject({
      error: {
        code: 'FOREACH_NOT_A_LIST',
        message: 'foreach "per-competitor": {{ research.json.competitors }} gave nothing, not a list',
        retryable: false,
      },
    });
  });
});
