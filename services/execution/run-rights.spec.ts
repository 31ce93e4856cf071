import type { Agent, AgentCall, AgentResult } from '@chainmail/agents';
import type { RunEvent, TeamMembership } from '@chainmail/contracts';
import { AgentInvoker } from './agent-invoker';
import { ExecutionHarness } from './execution.fixture';

/** A run acts with its owner's rights: the agents it calls and the sub-workflows it starts. */

class CountingAgent implements Agent {
  readonly kind = 'http';
  readonly description = 'counts';
  readonly calls: AgentCall[] = [];
  constructor(readonly address: string) {}
  async invoke(call: AgentCall): Promise<AgentResult> {
    this.calls.push(call);
    return { output: 'ok' };
  }
}

const http = (address: string, over: Record<string, unknown> = {}) => ({
  address,
  kind: 'http' as const,
  description: 'd',
  config: { url: 'https://agents.example/x' },
  ...over,
});

const events = (x: ExecutionHarness, runId: string): RunEvent[] =>
  x.log.commits.filter((c) => c.runId === runId).flatMap((c) => c.events);
const failure = (x: ExecutionHarness, runId: string) =>
  events(x, runId).find((e) => e.type === 'RunFailed')?.data as
    { error: { code: string; message: string } } | undefined;

const caller = `
name: caller
steps:
  - id: ask
    agent: theirs@
    input: hello
`;

describe('agents a run may call', () => {
  it("fails the step AGENT_FORBIDDEN, without calling, when the entry is another owner's", async () => {
    const agent = new CountingAgent('theirs@');
    const x = new ExecutionHarness([agent], { bindings: [http('theirs@', { owner: 'team:other' })] });
    x.publish(caller);
    await x.start('r1', 'caller', {}, 'user:ann');
    await x.settle();
    expect(failure(x, 'r1')?.error).toMatchObject({ code: 'AGENT_FORBIDDEN' });
    expect(failure(x, 'r1')?.error.message).toContain('user:ann');
    expect(failure(x, 'r1')?.error.message).not.toContain('team:other');
    expect(agent.calls).toEqual([]);
  });

  it("calls an entry of the same owner, or one that lists the run's owner", async () => {
    const agent = new CountingAgent('theirs@');
    const x = new ExecutionHarness([agent], {
      bindings: [http('theirs@', { owner: 'team:other', allowedOwners: ['user:ann'] })],
    });
    x.publish(caller);
    await x.start('r2', 'caller', {}, 'user:ann');
    await x.start('r3', 'caller', {}, 'team:other');
    await x.start('r4', 'caller', {}, 'user:bob');
    await x.settle();
    expect(events(x, 'r2').at(-1)?.type).toBe('RunSucceeded');
    expect(events(x, 'r3').at(-1)?.type).toBe('RunSucceeded');
    expect(failure(x, 'r4')?.error.code).toBe('AGENT_FORBIDDEN');
    expect(agent.calls).toHaveLength(2);
  });

  it('checks again at the call: an entry that stopped being shared is not called', async () => {
    const agent = new CountingAgent('theirs@');
    const x = new ExecutionHarness([agent], { bindings: [http('theirs@', { owner: 'team:other' })] });
    const outcome = await new AgentInvoker(x.directory).invoke({
      runId: 'r',
      stepId: 's',
      visit: 1,
      attempt: 1,
      agent: 'theirs@',
      input: 'x',
      owner: 'user:ann',
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'AGENT_FORBIDDEN', retryable: false } });
    expect(agent.calls).toEqual([]);
  });

  it('lets every run call the builtins', async () => {
    const x = new ExecutionHarness();
    x.publish('name: plain\nsteps:\n  - id: a\n    agent: echo@\n    input: hi\n');
    await x.start('r5', 'plain', {}, 'user:whoever');
    await x.settle();
    expect(events(x, 'r5').at(-1)?.type).toBe('RunSucceeded');
  });
});

describe('sub-workflows a run may start', () => {
  const parent = `
name: parent
steps:
  - id: sub
    workflow: child
    input: hello
`;
  const child = 'name: child\nsteps:\n  - id: a\n    agent: echo@\n    input: hi\n';
  const teams = new Map<string, TeamMembership[]>([
    [
      'ann',
      [
        { teamId: 'red', role: 'runner' },
        { teamId: 'blue', role: 'viewer' },
      ],
    ],
  ]);
  const memberships = { of: async (userId: string) => teams.get(userId) ?? [] };

  function harness(childOwner: string): ExecutionHarness {
    const x = new ExecutionHarness([], { memberships });
    x.publish(parent);
    x.publish(child);
    x.owners.set('parent', 'user:ann');
    x.owners.set('child', childOwner);
    return x;
  }

  it("starts one of the same owner, or of a team its owner may run, as the run's own", async () => {
    for (const owner of ['user:ann', 'team:red']) {
      const x = harness(owner);
      await x.start('p', 'parent', {}, 'user:ann');
      await x.settle();
      expect(x.bus.sent[0]?.command).toMatchObject({
        type: 'StartRun',
        workflow: 'child',
        owner: 'user:ann',
      });
    }
  });

  it("fails the step WORKFLOW_FORBIDDEN for another owner's, or a team where its owner only views", async () => {
    for (const owner of ['user:bob', 'team:blue']) {
      const x = harness(owner);
      await x.start('p', 'parent', {}, 'user:ann');
      await x.settle();
      expect(x.bus.sent).toEqual([]);
      expect(failure(x, 'p')?.error).toMatchObject({ code: 'WORKFLOW_FORBIDDEN' });
    }
  });
});
