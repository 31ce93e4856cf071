import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '@chainmail/contracts';
import { ExecutionHarness, HeldAgent } from './execution.fixture';

const FOUR_BUILTINS = `
name: four
steps:
  - { id: one, agent: echo@, input: "{{user_input}}" }
  - { id: two, agent: uppercase@, input: "{{one.output}}" }
  - { id: three, agent: echo@, input: "{{two.output}} (3)" }
  - { id: four, agent: echo@, input: "{{three.output}} (4)" }
`;

/** The events of a run without what depends on the clock or on how they were grouped. */
function meaning(events: RunEvent[]): unknown[] {
  return events.map((e) => ({
    type: e.type,
    data: Object.fromEntries(
      Object.entries(e.data).filter(([key]) => !/duration|At$|^at$|elapsed/i.test(key)),
    ),
  }));
}

async function runBoth(
  yaml: string,
  inputs: Record<string, unknown>,
): Promise<{ fused: ExecutionHarness; stepwise: ExecutionHarness }> {
  const fused = new ExecutionHarness();
  const stepwise = new ExecutionHarness([], { instant: false });
  for (const x of [fused, stepwise]) {
    x.publish(yaml);
    const name = /^name:\s*(\S+)/m.exec(yaml)?.[1] ?? '';
    await x.start('r1', name, inputs);
    await x.tick();
    await x.settle();
  }
  return { fused, stepwise };
}

describe('InstantSteps', () => {
  it('appends a pipeline of instant builtins as one commit: start, every result, the end', async () => {
    const x = new ExecutionHarness();
    x.publish(FOUR_BUILTINS);
    await x.start('r1', 'four', { user_input: 'hi' });
    await x.settle();
    expect(x.log.commits).toHaveLength(1);
    expect(x.log.events('r1')).toEqual([
      'RunStarted',
      'StepStarted:one',
      'StepSucceeded:one',
      'StepStarted:two',
      'StepSucceeded:two',
      'StepStarted:three',
      'StepSucceeded:three',
      'StepStarted:four',
      'StepSucceeded:four',
      'RunSucceeded',
    ]);
    const end = x.log.commits[0].events.at(-1);
    expect(end?.data).toMatchObject({ output: 'HI (3) (4)' });
  });

  it('stops at a step whose agent really waits, and takes up again with its result', async () => {
    const slow = new HeldAgent('slow@');
    const x = new ExecutionHarness([slow]);
    x.publish(`
name: mixed
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
  - { id: b, agent: slow@, input: "{{a.output}}" }
  - { id: c, agent: uppercase@, input: "{{b.output}}" }
`);
    await x.start('r1', 'mixed', { user_input: 'x' });
    await x.tick();
    expect(x.log.commits.map((c) => c.events.map((e) => e.type))).toEqual([
      ['RunStarted', 'StepStarted', 'StepSucceeded', 'StepStarted'],
    ]);
    expect(slow.calls.map((c) => c.call.input)).toEqual(['x']);
    slow.calls[0].answer('slow answer');
    await x.tick();
    await x.settle();
    expect(x.log.commits.map((c) => c.events.map((e) => e.type))).toEqual([
      ['RunStarted', 'StepStarted', 'StepSucceeded', 'StepStarted'],
      ['StepSucceeded', 'StepStarted', 'StepSucceeded', 'RunSucceeded'],
    ]);
    expect(x.log.commits[1].events.at(-1)?.data).toMatchObject({ output: 'SLOW ANSWER' });
  });

  it('does not run a registered entry in a builtin’s place at once: it is not known to be instant', async () => {
    const stand = new HeldAgent('echo@');
    const x = new ExecutionHarness([stand], {
      bindings: [
        { address: 'echo@', kind: 'http', description: 'a stand-in', config: { url: 'http://127.0.0.1:9/' } },
      ],
    });
    x.publish(FOUR_BUILTINS);
    await x.start('r1', 'four', { user_input: 'hi' });
    await x.tick();
    expect(stand.calls).toHaveLength(1);
    expect(x.log.events('r1')).toEqual(['RunStarted', 'StepStarted:one']);
  });

  it('stores a redelivered start once: the commit is the decision, made again and deduplicated', async () => {
    const x = new ExecutionHarness();
    x.publish(FOUR_BUILTINS);
    await x.start('r1', 'four', { user_input: 'hi' });
    await x.start('r1', 'four', { user_input: 'hi' });
    await x.settle();
    expect(x.log.commits).toHaveLength(1);
    expect(x.log.events('r1').filter((e) => e === 'RunSucceeded')).toHaveLength(1);
  });

  const examples = join(__dirname, '..', '..', 'examples');
  it.each([
    ['competitor-analysis.yaml', { company: 'Acme', user_input: 'Acme' }],
    ['parallel-research.yaml', { user_input: 'tidal energy' }],
    ['per-item-foreach.yaml', { competitors: ['Acme', 'Globex', 'Initech'] }],
    ['triage-switch.yaml', { user_input: 'urgent: the server is down' }],
    ['fallback-goto.yaml', { user_input: 'what is a ledger' }],
  ])('%s decides the same events, in the same order, run ahead or step by step', async (file, inputs) => {
    const yaml = readFileSync(join(examples, file), 'utf8');
    const { fused, stepwise } = await runBoth(yaml, inputs);
    const events = (x: ExecutionHarness): RunEvent[] => x.log.commits.flatMap((c) => c.events);
    expect(events(stepwise).some((e) => e.type === 'RunSucceeded' || e.type === 'RunFailed')).toBe(true);
    expect(meaning(events(fused))).toEqual(meaning(events(stepwise)));
    expect(fused.log.commits.length).toBeLessThan(stepwise.log.commits.length);
  });
});
