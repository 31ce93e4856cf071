import { definitionOf, RunScript, trace } from './testing/run-script';

const triage = definitionOf(`
name: triage
steps:
  - id: classify
    agent: echo@
  - id: route
    switch:
      - when: "{{ classify.output == 'urgent' }}"
        goto: escalate
      - default: true
        goto: summarize
  - id: escalate
    agent: echo@
    needs: route
    input: "escalate"
  - id: summarize
    agent: echo@
    needs: route
    input: "summarize"
  - id: notify
    agent: echo@
    needs: [escalate, summarize]
    input: "{{ escalate.output }}{{ summarize.output }}"
`);

describe('switch', () => {
  it('takes the first true case: records the branch, succeeds with the target, skips the other branch', () => {
    const run = new RunScript(triage);
    run.start();
    const events = run.succeed('classify', 'urgent');
    expect(trace(events)).toEqual([
      'StepSucceeded:classify',
      'StepStarted:route',
      'StepSucceeded:route',
      'BranchTaken:route->escalate',
      'StepSkipped:summarize',
      'StepStarted:escalate',
    ]);
    expect(events[2].data).toMatchObject({ output: 'escalate' });
    expect(events[4].data).toMatchObject({
      reason: 'branch not taken: "route" went to "escalate"',
      cause: 'branch',
    });
  });

  it('takes the default when no case is true, and a join after both branches still runs', () => {
    const run = new RunScript(triage);
    run.start();
    expect(trace(run.succeed('classify', 'routine'))).toContain('BranchTaken:route->summarize');
    expect(run.step('escalate')).toMatchObject({ status: 'skipped' });
    expect(trace(run.succeed('summarize', 'S'))).toEqual(['StepSucceeded:summarize', 'StepStarted:notify']);
    expect(run.step('notify').input).toBe('S');
  });

  it('fails the step permanently when no case is true and there is no default', () => {
    const definition = definitionOf(`
name: no-default
steps:
  - id: route
    switch:
      - when: "{{ 1 == 2 }}"
        goto: b
  - id: b
    agent: echo@
`);
    const run = new RunScript(definition);
    const events = run.start();
    expect(trace(events)).toEqual(['RunStarted', 'StepStarted:route', 'StepFailed:route', 'RunFailed']);
    expect(events[3].data).toMatchObject({ error: { code: 'SWITCH_NO_MATCH', stepId: 'route' } });
  });

  it('runs a forward target even when its need was skipped as a branch not taken', () => {
    const definition = definitionOf(`
name: forward
steps:
  - id: route
    switch:
      - default: true
        goto: last
  - id: middle
    agent: echo@
  - id: last
    agent: echo@
    needs: middle
    input: "reached"
`);
    const run = new RunScript(definition);
    expect(trace(run.start())).toEqual([
      'RunStarted',
      'StepStarted:route',
      'StepSucceeded:route',
      'BranchTaken:route->last',
      'StepSkipped:middle',
      'StepStarted:last',
    ]);
  });
});

describe('goto loops', () => {
  const loop = definitionOf(`
name: loop
steps:
  - id: draft
    agent: echo@
    max_visits: 3
  - id: check
    switch:
      - when: "{{ draft.output != 'good' }}"
        goto: draft
      - default: true
        goto: publish
  - id: publish
    agent: echo@
    input: "{{ draft.output }}"
`);

  it('goes back: the target and its downstream steps begin a new visit, reading the latest outputs', () => {
    const run = new RunScript(loop);
    run.start();
    const events = run.succeed('draft', 'bad');
    expect(trace(events)).toEqual([
      'StepSucceeded:draft',
      'StepStarted:check',
      'StepSucceeded:check',
      'BranchTaken:check->draft',
      'StepsReset:check',
      'StepStarted:draft',
    ]);
    expect(events[4].data).toMatchObject({ stepIds: ['draft', 'check'] });
    expect(run.step('draft')).toMatchObject({ visit: 2, attempt: 1, status: 'running' });
    run.succeed('draft', 'good');
    expect(run.step('check')).toMatchObject({ visit: 2, output: 'publish' });
    expect(run.step('publish').input).toBe('good');
    const end = run.succeed('publish', 'done');
    expect(trace(end)).toEqual(['StepSucceeded:publish', 'RunSucceeded']);
  });

  it('fails the run with LOOP_LIMIT when a step would exceed max_visits', () => {
    const run = new RunScript(loop);
    run.start();
    run.succeed('draft', 'bad');
    run.succeed('draft', 'bad');
    const events = run.succeed('draft', 'bad');
    expect(trace(events).at(-1)).toBe('RunFailed');
    expect(events.at(-1)?.data).toMatchObject({
      error: {
        code: 'LOOP_LIMIT',
        stepId: 'draft',
        message: 'step "draft" would begin visit 4, but its max_visits is 3: a goto loop did not end',
      },
    });
  });

  it('ignores a late result of a visit that a loop has left behind', () => {
    const run = new RunScript(loop);
    run.start();
    run.succeed('draft', 'bad');
    expect(
      run.complete('draft', { ok: true, output: 'late', durationMs: 1 }, { visit: 1, attempt: 1 }),
    ).toEqual([]);
  });
});

describe('on_error: goto', () => {
  const fallback = definitionOf(`
name: fallback
steps:
  - id: primary
    agent: fail@
    on_error:
      goto: backup
  - id: use-primary
    agent: echo@
    needs: primary
  - id: backup
    agent: echo@
    needs: primary
    condition: "{{ !primary.success }}"
    input: "backup"
`);

  it('goes forward to a fallback, which runs although its need failed, and skips the rest', () => {
    const run = new RunScript(fallback);
    run.start();
    const events = run.fail('primary');
    expect(trace(events)).toEqual([
      'StepFailed:primary',
      'BranchTaken:primary->backup',
      'StepSkipped:use-primary',
      'StepStarted:backup',
    ]);
    expect(trace(run.succeed('backup', 'B'))).toEqual(['StepSucceeded:backup', 'RunSucceeded']);
    expect(run.state.output).toBe('B');
  });

  it('leaves a target that is already running alone', () => {
    const definition = definitionOf(`
name: running-target
steps:
  - id: primary
    agent: fail@
    on_error:
      goto: other
  - id: after
    agent: echo@
    needs: primary
  - id: other
    agent: echo@
    needs: []
`);
    const run = new RunScript(definition);
    expect(trace(run.start())).toEqual(['RunStarted', 'StepStarted:primary', 'StepStarted:other']);
    expect(trace(run.fail('primary'))).toEqual([
      'StepFailed:primary',
      'BranchTaken:primary->other',
      'StepSkipped:after',
    ]);
    expect(run.step('other')).toMatchObject({ status: 'running', visit: 1 });
  });

  it('goes back to retry a whole section', () => {
    const definition = definitionOf(`
name: redo
steps:
  - id: fetch
    agent: echo@
  - id: parse
    agent: fail@
    on_error:
      goto: fetch
`);
    const run = new RunScript(definition);
    run.start();
    run.succeed('fetch', 'x');
    expect(trace(run.fail('parse'))).toEqual([
      'StepFailed:parse',
      'BranchTaken:parse->fetch',
      'StepsReset:parse',
      'StepStarted:fetch',
    ]);
    expect(run.step('fetch').visit).toBe(2);
  });
});
