import { makeRunEvent, type RunEvent, type TriggerInfo } from '@chainmail/contracts';
import { planCommit, sendsMail, sendsWebhook } from './delivery-plan';
import { EMAIL_TRIGGER, RunScript, definitionOf, seedWith, SEED_YAML } from './notification.fixture';

const API_TRIGGER: TriggerInfo = { kind: 'api' };
const names = (script: RunScript, commits: RunEvent[][]): string[][] =>
  commits.map((events) => planCommit(script.facts(), events).map((p) => `${p.channel}:${p.name}`));

describe('planCommit', () => {
  it('async (default), started by mail: an acknowledgement, then the result', () => {
    const run = new RunScript('r1', definitionOf(SEED_YAML));
    expect(names(run, run.seedRun('report', 45_000))).toEqual([['email:ack'], [], [], [], ['email:done']]);
  });

  it('gives every delivery an id of the run and its name', () => {
    const run = new RunScript('r1', definitionOf(SEED_YAML));
    const [ack] = planCommit(run.facts(), [run.started()]);
    expect(ack).toMatchObject({ id: 'r1/ack', channel: 'email', name: 'ack', notice: { kind: 'ack' } });
  });

  it('a run rewound after it failed owes a new failure mail, under an id (and Message-ID key) of its own', () => {
    const run = new RunScript('r9', definitionOf(SEED_YAML));
    const rewound = makeRunEvent('RunRewound', 'r9', '2030-01-01T09:05:00.000Z', {
      toStep: 'research',
      resetStepIds: ['research'],
      timeoutMs: 600_000,
      by: 'user:ann',
    });
    const first = planCommit(run.facts(), [run.stepFailed('research'), run.failed('research')]);
    expect(first.map((p) => p.id)).toEqual(['r9/failed']);
    // The rewind and the second failure in later commits, or the rewind in the same commit.
    const again = planCommit(run.facts(), [run.stepFailed('research'), run.failed('research')], 1);
    expect(again.map((p) => [p.id, p.key, p.name])).toEqual([
      ['r9/failed@rewind-1', 'failed@rewind-1', 'failed'],
    ]);
    const inOne = planCommit(run.facts(), [rewound, run.stepFailed('research'), run.failed('research')], 1);
    expect(inOne.map((p) => p.id)).toEqual(['r9/failed@rewind-2']);
  });

  it('streaming: a mail per finished step, then the final one', () => {
    const run = new RunScript('r2', seedWith('mode: streaming\n'));
    expect(names(run, run.seedRun('report', 1000))).toEqual([
      ['email:ack'],
      ['email:step-research-1'],
      ['email:step-summarize-1'],
      ['email:step-draft-1'],
      ['email:step-review-1', 'email:done'],
    ]);
  });

  it('streaming: a failed attempt that is tried again is not a finished step; the last failure is', () => {
    const run = new RunScript('r3', seedWith('mode: streaming\n'));
    expect(
      names(run, [
        [run.stepFailed('research', 1, true), run.stepStarted('research', 'research@', 2)],
        [run.stepFailed('research', 2), run.failed('research')],
      ]),
    ).toEqual([[], ['email:step-research-1', 'email:failed']]);
  });

  it('a failure, a time-out and a cancellation each send their one mail', () => {
    const run = new RunScript('r4', definitionOf(SEED_YAML));
    expect(
      names(run, [
        [run.stepFailed('research'), run.failed('research')],
        [run.timedOut('summarize')],
        [run.cancelled()],
      ]),
    ).toEqual([['email:failed'], ['email:failed'], ['email:cancelled']]);
  });

  it('no acknowledgement when the run ends in the commit that starts it, nor in sync mode', () => {
    const run = new RunScript('r5', definitionOf(SEED_YAML));
    expect(names(run, [[run.started(), run.failed('research')]])).toEqual([['email:failed']]);
    const sync = new RunScript('r6', seedWith('mode: sync\n'));
    expect(names(sync, sync.seedRun('x', 10))).toEqual([[], [], [], [], ['email:done']]);
  });

  it('a run not started by mail sends no mail unless output.to names someone', () => {
    const api = new RunScript('r7', definitionOf(SEED_YAML), API_TRIGGER);
    expect(sendsMail(api.facts())).toBe(false);
    expect(names(api, api.seedRun('x', 10)).flat()).toEqual([]);
    const addressed = new RunScript('r8', seedWith('output: { to: boss@acme.example }\n'), API_TRIGGER);
    expect(names(addressed, addressed.seedRun('x', 10))).toEqual([[], [], [], [], ['email:done']]);
  });

  it('webhook and both: the outcome is posted once the run ends; none sends nothing', () => {
    const hook = new RunScript(
      'r9',
      seedWith('output: { format: webhook, url: "https://hooks.example/in" }\n'),
    );
    expect(sendsWebhook(hook.facts())).toBe(true);
    expect(names(hook, hook.seedRun('x', 10))).toEqual([[], [], [], [], ['webhook:webhook']]);
    const both = new RunScript(
      'r10',
      seedWith('output: { format: both, url: "https://hooks.example/in" }\n'),
    );
    expect(names(both, both.seedRun('x', 10))).toEqual([
      ['email:ack'],
      [],
      [],
      [],
      ['email:done', 'webhook:webhook'],
    ]);
    const none = new RunScript('r11', seedWith('output: { format: none }\n'));
    expect(names(none, none.seedRun('x', 10)).flat()).toEqual([]);
  });

  it('a sub-workflow run notifies nobody: its output belongs to the parent step', () => {
    const run = new RunScript('r12', definitionOf(SEED_YAML), EMAIL_TRIGGER);
    const facts = { ...run.facts(), isChild: true };
    expect(run.seedRun('x', 10).flatMap((events) => planCommit(facts, events))).toEqual([]);
  });
});
