import {
  makeRunEvent,
  type Actor,
  type Command,
  type RunEvent,
  type RunEventMap,
  type RunEventType,
  type StoredRunCommit,
} from '@chainmail/contracts';
import type { RunDetail } from '@chainmail/persistence';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { DebugRunUseCase } from './debug-run.usecase';

const alice = { userId: 'alice', teams: [] } as unknown as Actor;
const bob = { userId: 'bob', teams: [] } as unknown as Actor;

const parsed = parseWorkflow(
  `
name: chain
steps:
  - id: a
    agent: echo@
    input: "A"
  - id: check
    type: checkpoint
    message: "ok?"
  - id: b
    agent: echo@
    input: "B {{ a.output }}"
`,
  { knownAgents: () => true },
);
if (!parsed.ok) throw new Error('the test workflow does not parse');
const definition = parsed.definition;

const at = (n: number): string => new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString();
const ev = <T extends RunEventType>(type: T, data: RunEventMap[T], n: number): RunEvent =>
  makeRunEvent(type, 'r1', at(n), data);

const started = ev(
  'RunStarted',
  {
    workflow: 'chain',
    version: 1,
    inputs: {},
    trigger: { kind: 'api' },
    owner: 'user:alice',
    actor: 'alice',
    debug: false,
    commandId: 'start:r1',
    timeoutMs: 0,
  },
  0,
);
const aRan = [
  ev('StepStarted', { stepId: 'a', visit: 1, attempt: 1, agent: 'echo@', input: 'A' }, 1),
  ev('StepSucceeded', { stepId: 'a', visit: 1, attempt: 1, output: 'A!', durationMs: 1 }, 2),
];
const failedAtB = [
  ev('StepStarted', { stepId: 'check', visit: 1, attempt: 1, kind: 'checkpoint' }, 3),
  ev('CheckpointOpened', { stepId: 'check', visit: 1, message: 'ok?' }, 3),
  ev('CheckpointResolved', { stepId: 'check', visit: 1, action: 'approve', by: 'alice' }, 4),
  ev('StepSucceeded', { stepId: 'check', visit: 1, attempt: 1, output: '', durationMs: 1 }, 4),
  ev('StepStarted', { stepId: 'b', visit: 1, attempt: 1, agent: 'echo@', input: 'B A!' }, 5),
  ev(
    'StepFailed',
    {
      stepId: 'b',
      visit: 1,
      attempt: 1,
      error: { code: 'X', message: 'no', retryable: false },
      durationMs: 1,
    },
    6,
  ),
  ev('RunFailed', { error: { code: 'X', message: 'no', retryable: false, stepId: 'b' }, durationMs: 6 }, 6),
];

function commits(...groups: RunEvent[][]): StoredRunCommit[] {
  return groups.map((events, i) => ({ runId: 'r1', prev: i === 0 ? 0 : 10 + i - 1, seq: 10 + i, events }));
}

class World {
  readonly sent: { subject: string; command: Command }[] = [];
  view: Partial<RunDetail> = { owner: 'user:alice', status: 'running', pausedAt: null };
  log: StoredRunCommit[] = [];

  useCase(): DebugRunUseCase {
    const detail = () => ({ ...this.view, lastSeq: this.log.at(-1)?.seq ?? 0 }) as RunDetail;
    return new DebugRunUseCase(
      { visibleRun: async () => detail() },
      {
        reads: { findRun: async () => detail() } as never,
        catchUp: async () => true,
        until: async (_runId, ready) => ready(),
      },
      { read: async () => this.log },
      {
        version: (name, version) =>
          name === 'chain' && version <= 2 ? ({ definition } as never) : undefined,
      },
      {
        send: async (subject, command) => {
          this.sent.push({ subject, command });
          // The projector moves the view on.
          this.view = { ...this.view, status: 'running', pausedAt: null };
          this.log = [...this.log, { runId: 'r1', prev: 0, seq: 99, events: [] }];
        },
      },
    );
  }
}

describe('DebugRunUseCase', () => {
  it('step: a run that is not paused is a conflict that says how to debug one; nothing is sent', async () => {
    const world = new World();
    await expect(world.useCase().step(alice, 'r1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/is not paused \(it is running\).*"debug": true/),
    });
    expect(world.sent).toEqual([]);
  });

  it('step: the command names the open pause; an input for a step that takes none is refused', async () => {
    const world = new World();
    world.view = {
      ...world.view,
      status: 'paused',
      pausedAt: { step: 'b', visit: 2, input: 'B', at: at(1) },
    };
    const answer = await world.useCase().step(alice, 'r1', 'by hand');
    expect(answer).toEqual({ runId: 'r1', stepId: 'b', visit: 2, accepted: true });
    expect(world.sent[0]).toMatchObject({
      subject: 'commands.runs.debug',
      command: {
        type: 'StepRun',
        commandId: 'step:r1:b:2',
        stepId: 'b',
        visit: 2,
        input: 'by hand',
        by: 'alice',
      },
    });

    world.view = { ...world.view, status: 'paused', pausedAt: { step: 'check', visit: 1, at: at(1) } };
    await expect(world.useCase().step(alice, 'r1', 'x')).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await world.useCase().resume(alice, 'r1');
    expect(world.sent[1].command).toMatchObject({ type: 'ResumeRun', commandId: 'resume:r1:check:1' });
  });

  it('rewind: checked on the folded log (running: 409; an unknown step: 422), then sent once per log position', async () => {
    const world = new World();
    world.log = commits([started], aRan);
    await expect(world.useCase().rewind(alice, 'r1', 'a')).rejects.toMatchObject({ code: 'CONFLICT' });
    world.log = commits([started], aRan, failedAtB);
    await expect(world.useCase().rewind(alice, 'r1', 'nope')).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      message: expect.stringMatching(/no step "nope" in version 1 of chain \(its steps: a, check, b\)/),
    });
    const answer = await world.useCase().rewind(alice, 'r1', 'b');
    expect(answer).toMatchObject({ stepId: 'b', visit: 2 });
    expect(world.sent[0].command).toMatchObject({
      type: 'RewindRun',
      commandId: 'rewind:r1:12',
      toStep: 'b',
    });
  });

  it('fork: a new run of the same owner from the step, carrying what came before; an unknown version is 404', async () => {
    const world = new World();
    world.log = commits([started], aRan, failedAtB);
    await expect(world.useCase().fork(alice, 'r1', { step: 'b', version: 7 })).rejects.toMatchObject({
      code: 'VERSION_NOT_FOUND',
    });
    const answer = await world.useCase().fork(alice, 'r1', { step: 'b', version: 2 });
    expect(answer).toMatchObject({ version: 2, forkedFrom: { runId: 'r1', seq: 12, step: 'b' } });
    const start = world.sent[0];
    expect(start.subject).toBe('commands.runs.start');
    expect(start.command).toMatchObject({
      type: 'StartRun',
      runId: answer.runId,
      owner: 'user:alice',
      actor: 'alice',
      version: 2,
      forkedFrom: { runId: 'r1', seq: 12, step: 'b' },
    });
    expect(Object.keys((start.command as { carried: object }).carried).sort()).toEqual(['a', 'check']);
  });

  it('time travel: the state after a commit; a sequence outside the log is 422; another owner sees no run', async () => {
    const world = new World();
    world.log = commits([started], aRan, failedAtB);
    const mid = await world.useCase().stateAt(alice, 'r1', 11);
    expect(mid).toMatchObject({
      seq: 11,
      status: 'running',
      steps: [{ stepId: 'a', status: 'succeeded', output: 'A!' }],
    });
    expect((await world.useCase().stateAt(alice, 'r1', undefined)).status).toBe('failed');
    await expect(world.useCase().stateAt(alice, 'r1', 13)).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      message: expect.stringMatching(/sequences 10 to 12; 13 is past its end/),
    });
    await expect(world.useCase().stateAt(alice, 'r1', 9)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(world.useCase().stateAt(bob, 'r1', 11)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('time travel: a run at an open checkpoint is waiting, as the run view says', async () => {
    const world = new World();
    world.log = commits([started], aRan, failedAtB.slice(0, 2), failedAtB.slice(2));
    expect(await world.useCase().stateAt(alice, 'r1', 12)).toMatchObject({
      status: 'waiting',
      steps: [
        { stepId: 'a', status: 'succeeded' },
        { stepId: 'check', status: 'waiting' },
      ],
    });
    expect(await world.useCase().stateAt(alice, 'r1', 13)).toMatchObject({
      status: 'failed',
      steps: [{ stepId: 'a' }, { stepId: 'check', status: 'succeeded' }, { stepId: 'b', status: 'failed' }],
    });
  });
});
