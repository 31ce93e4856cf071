import type { CancelRun, StartRun } from '@chainmail/contracts';
import { ExecutionHarness, HeldAgent } from './execution.fixture';

describe('StepRunner', () => {
  it('makes the agent calls of one commit at the same time and finishes the parallel step', async () => {
    const slow = new HeldAgent('slow@');
    const x = new ExecutionHarness([slow]);
    x.publish(`
name: fan
steps:
  - id: group
    parallel:
      - { id: a, agent: slow@, input: "A" }
      - { id: b, agent: slow@, input: "B" }
  - id: after
    agent: echo@
    input: "{{ group.output }}"
`);
    await x.start('r1', 'fan');
    await x.tick();
    // Both calls are in flight before either answered.
    expect(slow.calls.map((c) => c.call.input)).toEqual(['A', 'B']);
    slow.calls[1].answer('b');
    slow.calls[0].answer('a');
    await x.tick();
    await x.settle();
    expect(x.log.events('r1')).toEqual([
      'RunStarted',
      'StepStarted:group',
      'StepStarted:a',
      'StepStarted:b',
      'StepSucceeded:b',
      'StepSucceeded:a',
      'StepSucceeded:group',
      'StepStarted:after',
      'StepSucceeded:after',
      'RunSucceeded',
    ]);
    const runSucceeded = x.log.commits.flatMap((c) => c.events).find((e) => e.type === 'RunSucceeded');
    expect(runSucceeded?.data).toMatchObject({ output: '["a","b"]' });
  });

  it('abandons the call of an attempt that a durable timeout ended', async () => {
    const slow = new HeldAgent('slow@');
    const x = new ExecutionHarness([slow]);
    x.publish(`
name: timed
steps:
  - id: wait
    agent: slow@
    timeout: 30s
`);
    await x.start('r2', 'timed');
    await x.tick();
    expect(slow.calls).toHaveLength(1);
    await x.commands.handle(
      'r2',
      {
        type: 'FireTimer',
        data: { timer: { kind: 'step-timeout', stepId: 'wait', visit: 1, attempt: 1 }, dueAt: '' },
      },
      'timer-1',
    );
    await x.tick();
    await x.settle();
    expect(slow.calls[0].aborted()).toBe(true);
    expect(x.log.events('r2')).toEqual(['RunStarted', 'StepStarted:wait', 'StepFailed:wait', 'RunFailed']);
  });

  it('starts a sub-workflow through the command bus and completes the parent step when the child ends', async () => {
    const x = new ExecutionHarness();
    x.publish(`
name: child
steps:
  - id: shout
    agent: uppercase@
    input: "{{ user_input }}"
`);
    x.publish(`
name: parent
steps:
  - id: sub
    workflow: child
    input: "hello"
  - id: after
    agent: echo@
    input: "child said {{ sub.output }}"
`);
    await x.start('p1', 'parent');
    await x.settle();
    const start = x.bus.sent[0];
    expect(start.subject).toBe('commands.runs.start');
    expect(start.command).toMatchObject({
      type: 'StartRun',
      runId: 'p1-sub-1-1',
      workflow: 'child',
      version: 1,
      inputs: { user_input: 'hello' },
      parent: { runId: 'p1', stepId: 'sub', visit: 1, attempt: 1 },
      depth: 1,
      trigger: { kind: 'workflow' },
    });
    // What execution's command consumer does with it:
    const { type: _type, ...data } = start.command as StartRun;
    await x.commands.handle('p1-sub-1-1', { type: 'StartRun', data }, 'child-start');
    await x.tick();
    await x.settle();
    expect(x.log.events('p1-sub-1-1').at(-1)).toBe('RunSucceeded');
    expect(x.log.events('p1').slice(-4)).toEqual([
      'StepSucceeded:sub',
      'StepStarted:after',
      'StepSucceeded:after',
      'RunSucceeded',
    ]);
    const after = x.log.commits
      .flatMap((c) => c.events)
      .find((e) => e.type === 'StepStarted' && e.data.stepId === 'after');
    expect(after?.data).toMatchObject({ input: 'child said HELLO' });
  });

  it('cancels the child runs of a cancelled parent', async () => {
    const x = new ExecutionHarness();
    x.publish(`
name: child
steps:
  - id: nap
    agent: sleep@
    input: "10000"
`);
    x.publish(`
name: parent
steps:
  - id: sub
    workflow: child
`);
    await x.start('p2', 'parent');
    await x.settle();
    await x.commands.handle('p2', { type: 'CancelRun', data: { reason: 'stop', by: 'api' } }, 'p2:cancel');
    await x.settle();
    const cancel = x.bus.sent.find((s) => s.command.type === 'CancelRun')?.command as CancelRun | undefined;
    expect(cancel).toMatchObject({ runId: 'p2-sub-1-1', by: 'run:p2' });
    expect(x.log.events('p2')).toEqual([
      'RunStarted',
      'StepStarted:sub',
      'ChildRunAbandoned:sub',
      'RunCancelled',
    ]);
  });

  it('fails a workflow step whose workflow is not published', async () => {
    const x = new ExecutionHarness();
    x.publish(`
name: orphan
steps:
  - id: sub
    workflow: nowhere
`);
    await x.start('p3', 'orphan');
    await x.settle();
    const failed = x.log.commits.flatMap((c) => c.events).find((e) => e.type === 'RunFailed');
    expect(failed?.data).toMatchObject({ error: { code: 'WORKFLOW_NOT_FOUND', stepId: 'sub' } });
  });
});

describe('RunCommandHandler', () => {
  it('decides again on the reloaded state when another writer appended first', async () => {
    const x = new ExecutionHarness();
    x.publish(`
name: one
steps:
  - id: a
    agent: sleep@
    input: "5000"
`);
    await x.start('c1', 'one');
    // A competing writer (another replica) cancels in between our load and our append.
    const loaded = await x.log.read('c1');
    expect(loaded).toHaveLength(1);
    await x.log.append({ runId: 'c1', prev: 1, events: [] }, 'other-writer');
    const handled = await x.commands.handle(
      'c1',
      { type: 'CancelRun', data: { reason: 'r', by: 'api' } },
      'c1:cancel',
    );
    expect(handled.events.map((e) => e.type)).toEqual(['RunCancelled']);
    expect(handled.seq).toBe(3);
  });

  it('decides nothing for a timer or decision of a run that has not started', async () => {
    const x = new ExecutionHarness();
    const handled = await x.commands.handle(
      'ghost',
      { type: 'FireTimer', data: { timer: { kind: 'run-timeout' }, dueAt: '' } },
      'm',
    );
    expect(handled.events).toEqual([]);
    expect(x.log.commits).toEqual([]);
  });
});
