import { definitionOf, RunScript, trace } from './testing/run-script';

/** Given these events, when this command, then these events: needs as ordering and as data edges. */

describe('needs: the defaulted previous step orders, written needs carry data', () => {
  const implicit = definitionOf(`
name: implicit
steps:
  - id: a
    agent: fail@
    on_error: skip
  - id: b
    agent: echo@
    input: "after a"
`);

  it('runs a step after its implicit need whatever became of it', () => {
    const run = new RunScript(implicit);
    run.start();
    expect(trace(run.fail('a'))).toEqual(['StepFailed:a', 'StepSkipped:a', 'StepStarted:b']);
  });

  const explicit = definitionOf(`
name: explicit
steps:
  - id: a
    agent: fail@
    on_error: skip
  - id: b
    agent: echo@
    needs: a
    input: "{{ a.output }}"
  - id: c
    agent: echo@
    needs: [b]
  - id: d
    agent: echo@
    input: "last"
`);

  it('skips a dependant of a skipped step, and its dependants in turn, and runs an implicit one', () => {
    const run = new RunScript(explicit);
    run.start();
    const events = run.fail('a');
    expect(trace(events)).toEqual([
      'StepFailed:a',
      'StepSkipped:a',
      'StepSkipped:b',
      'StepSkipped:c',
      'StepStarted:d',
    ]);
    expect(events[2].data).toMatchObject({ reason: 'needs "a", which was skipped', cause: 'needs' });
  });

  it('runs a dependant of a step that failed with on_error: continue', () => {
    const definition = definitionOf(`
name: tolerant
steps:
  - id: a
    agent: fail@
    on_error: continue
  - id: b
    agent: echo@
    needs: a
    input: "a worked: {{ a.success }}"
`);
    const run = new RunScript(definition);
    run.start();
    run.fail('a');
    expect(run.step('b')).toMatchObject({ status: 'running', input: 'a worked: false' });
  });

  it('skips a dependant of a step whose condition was false', () => {
    const definition = definitionOf(`
name: conditional
inputs: [flag]
steps:
  - id: a
    agent: echo@
    condition: "{{ flag == 'yes' }}"
  - id: b
    agent: echo@
    needs: a
`);
    const run = new RunScript(definition);
    expect(trace(run.start({ flag: 'no' }))).toEqual([
      'RunStarted',
      'StepSkipped:a',
      'StepSkipped:b',
      'RunSucceeded',
    ]);
  });

  it('starts every step whose needs are met in the same commit (a DAG)', () => {
    const definition = definitionOf(`
name: diamond
steps:
  - id: root
    agent: echo@
  - id: left
    agent: echo@
    needs: root
  - id: right
    agent: echo@
    needs: root
  - id: join
    agent: echo@
    needs: [left, right]
    input: "{{ left.output }}+{{ right.output }}"
`);
    const run = new RunScript(definition);
    run.start();
    expect(trace(run.succeed('root', 'r'))).toEqual([
      'StepSucceeded:root',
      'StepStarted:left',
      'StepStarted:right',
    ]);
    expect(trace(run.succeed('right', 'R'))).toEqual(['StepSucceeded:right']);
    expect(trace(run.succeed('left', 'L'))).toEqual(['StepSucceeded:left', 'StepStarted:join']);
    expect(run.step('join').input).toBe('L+R');
  });

  it('reads a definition published before needsDeclared existed by its shape', () => {
    const definition = definitionOf(LEGACY);
    for (const step of definition.steps) delete step.needsDeclared;
    const run = new RunScript(definition);
    run.start();
    // b's written need on a is the previous step: read as defaulted, so b runs.
    expect(trace(run.fail('a'))).toEqual(['StepFailed:a', 'StepSkipped:a', 'StepStarted:b']);
  });
});

const LEGACY = `
name: legacy
steps:
  - id: a
    agent: fail@
    on_error: skip
  - id: b
    agent: echo@
    needs: a
`;
