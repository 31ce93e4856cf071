import { definitionOf, RunScript, trace } from './testing/run-script';

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

describe('parallel', () => {
  it('starts the group and all its branches in one commit', () => {
    const run = new RunScript(fanOut);
    const events = run.start({ topic: 'crm' });
    expect(trace(events)).toEqual([
      'RunStarted',
      'StepStarted:fan-out',
      'StepStarted:web',
      'StepStarted:news',
      'StepStarted:blogs',
    ]);
    expect(events[1].data).toMatchObject({ kind: 'parallel' });
    expect(events[1].data).not.toHaveProperty('agent');
    expect(events[3].data).toMatchObject({ parent: 'fan-out', agent: 'research@', input: 'news: crm' });
  });

  it('succeeds when every branch has settled, with their outputs as a list in branch order', () => {
    const run = new RunScript(fanOut);
    run.start({ topic: 'crm' });
    run.succeed('blogs', 'B');
    run.fail('news', 'AGENT_FAILED', false);
    const events = run.succeed('web', 'W');
    expect(trace(events)).toEqual(['StepSucceeded:web', 'StepSucceeded:fan-out', 'StepStarted:merge']);
    expect(events[1].data).toMatchObject({ items: ['W', null, 'B'], output: '["W",null,"B"]' });
    expect(run.step('merge').input).toBe('first W; all ["W",null,"B"]; news ');
  });

  it('fails the run when a branch fails with abort, abandoning the branches still running', () => {
    const run = new RunScript(fanOut);
    run.start({ topic: 'crm' });
    const events = run.fail('web', 'AGENT_BAD_INPUT', false);
    expect(trace(events)).toEqual([
      'StepFailed:web',
      'StepSkipped:news',
      'StepSkipped:blogs',
      'StepFailed:fan-out',
      'RunFailed',
    ]);
    expect(events[1].data).toMatchObject({ cause: 'abandoned' });
    expect(events[4].data).toMatchObject({
      error: {
        code: 'AGENT_BAD_INPUT',
        stepId: 'fan-out',
        message: 'branch "web" failed: AGENT_BAD_INPUT happened',
      },
    });
    // A result of an abandoned branch arrives late: nothing to decide.
    expect(run.succeed('blogs', 'late')).toEqual([]);
  });

  it("applies the parallel step's own on_error when a branch aborts it", () => {
    const definition = definitionOf(`
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
    const run = new RunScript(definition);
    run.start();
    expect(trace(run.fail('a'))).toEqual([
      'StepFailed:a',
      'StepSkipped:b',
      'StepFailed:group',
      'StepStarted:after',
    ]);
    expect(run.step('after').input).toBe('group ok: false');
  });

  it('skips a branch whose condition is false, and nests groups', () => {
    const definition = definitionOf(`
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
    const run = new RunScript(definition);
    expect(trace(run.start())).toEqual([
      'RunStarted',
      'StepStarted:outer',
      'StepSkipped:off',
      'StepStarted:inner',
      'StepStarted:x',
      'StepStarted:y',
    ]);
    run.succeed('x', 'X');
    const events = run.succeed('y', 'Y');
    expect(trace(events)).toEqual([
      'StepSucceeded:y',
      'StepSucceeded:inner',
      'StepSucceeded:outer',
      'RunSucceeded',
    ]);
    expect(events[2].data).toMatchObject({ items: [null, ['X', 'Y']] });
  });

  it('fails a group that outlives its timeout, abandoning its branches', () => {
    const definition = definitionOf(`
name: slow-group
steps:
  - id: group
    timeout: 30s
    parallel:
      - { id: a, agent: sleep@ }
      - { id: b, agent: sleep@ }
`);
    const run = new RunScript(definition);
    const started = run.start();
    expect(started[1].data).toMatchObject({ stepId: 'group', timeoutMs: 30_000 });
    run.succeed('a', 'done');
    const events = run.fire({ kind: 'step-timeout', stepId: 'group', visit: 1, attempt: 1 }, 30_000);
    expect(trace(events)).toEqual(['StepSkipped:b', 'StepFailed:group', 'RunFailed']);
    expect(events[1].data).toMatchObject({
      error: { code: 'STEP_TIMEOUT', message: 'step group did not finish within 30s', retryable: true },
    });
  });
});
