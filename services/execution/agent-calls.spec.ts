import type { Agent, AgentCall, AgentResult } from '@chainmail/agents';
import { AgentError } from '@chainmail/agents';
import type { RunEvent, StartRun } from '@chainmail/contracts';
import { AgentInvoker } from './agent-invoker';
import { AgentMailNotSent } from './agent-mail-transport';
import { ExecutionHarness, HeldAgent } from './execution.fixture';
import { toRunCommand } from './run-commands';

const events = (x: ExecutionHarness, runId: string): RunEvent[] =>
  x.log.commits.filter((c) => c.runId === runId).flatMap((c) => c.events);
const find = <T extends RunEvent['type']>(x: ExecutionHarness, runId: string, type: T, stepId?: string) =>
  events(x, runId).find(
    (e) => e.type === type && (stepId === undefined || (e.data as { stepId?: string }).stepId === stepId),
  ) as Extract<RunEvent, { type: T }> | undefined;
const fire = (
  x: ExecutionHarness,
  runId: string,
  timer: Parameters<ExecutionHarness['commands']['handle']>[1],
) => x.commands.handle(runId, timer, `${runId}:timer:${JSON.stringify(timer)}`);

/** An agent that answers at once with usage, counting its calls. */
class MeteredAgent implements Agent {
  readonly kind = 'openai';
  readonly description = 'a model';
  readonly calls: AgentCall[] = [];
  constructor(readonly address: string) {}
  async invoke(call: AgentCall): Promise<AgentResult> {
    this.calls.push(call);
    return {
      output: `answer to ${call.input}`,
      usage: { promptTokens: 1000, completionTokens: 1000, costUsd: 0.003 },
    };
  }
}

describe('concurrency per agent', () => {
  it('defers a call that finds no free slot, holding nothing, and makes it when the resume timer fires', async () => {
    const slow = new HeldAgent('slow@');
    const x = new ExecutionHarness([slow], {
      bindings: [
        {
          address: 'slow@',
          kind: 'http',
          description: 'slow',
          config: { url: 'https://slow.example' },
          concurrency: 1,
        },
      ],
    });
    x.publish(`
name: fan
steps:
  - id: group
    parallel:
      - { id: a, agent: slow@, input: "A" }
      - { id: b, agent: slow@, input: "B" }
`);
    await x.start('f1', 'fan');
    await x.tick();
    expect(slow.calls.map((c) => c.call.input)).toEqual(['A']);
    const deferred = find(x, 'f1', 'StepDeferred', 'b');
    expect(deferred?.data).toMatchObject({
      attempt: 1,
      deferral: 1,
      reason: 'slow@ is at its concurrency limit (1 at once)',
    });

    // Still busy when the timer fires: deferred again, with a timer of its own.
    await fire(x, 'f1', {
      type: 'FireTimer',
      data: { timer: { kind: 'resume', stepId: 'b', visit: 1, attempt: 1, deferral: 1 }, dueAt: '' },
    });
    await x.tick();
    expect(x.log.events('f1').filter((e) => e === 'StepDeferred:b')).toHaveLength(2);

    slow.calls[0].answer('a');
    await x.tick();
    await fire(x, 'f1', {
      type: 'FireTimer',
      data: { timer: { kind: 'resume', stepId: 'b', visit: 1, attempt: 1, deferral: 2 }, dueAt: '' },
    });
    await x.tick();
    expect(slow.calls.map((c) => c.call.input)).toEqual(['A', 'B']);
    expect(slow.calls[1].call.attempt).toBe(1);
    slow.calls[1].answer('b');
    await x.tick();
    await x.settle();
    expect(x.log.events('f1').at(-1)).toBe('RunSucceeded');
    expect(x.slots.maxHeld).toBe(1);
    expect(x.slots.held.get('slow@')?.size).toBe(0);
  });
});

describe('email agents', () => {
  const setup = (): ExecutionHarness => {
    const x = new ExecutionHarness([], {
      bindings: [
        {
          address: 'research@',
          kind: 'email',
          description: 'a mailbox',
          config: { to: 'research@mail-to-ai.com' },
        },
      ],
    });
    x.publish(`
name: intel
steps:
  - id: research
    agent: research@
    input: "Research competitors for: {{ user_input }}"
    retry: { max: 1, delay: 1s }
  - id: shout
    agent: uppercase@
    input: "{{ research.output }}"
`);
    return x;
  };

  it('mails the input with a Message-ID naming the attempt, records it, and waits', async () => {
    const x = setup();
    await x.start('m1', 'intel', { user_input: 'CRM' });
    await x.tick();
    await x.settle();
    expect(x.mail.sent).toEqual([
      {
        from: 'Chainmail <chainmail@chainmail.local>',
        to: 'research@mail-to-ai.com',
        replyTo: 'agent-replies@chainmail.local',
        subject: 'intel: research',
        text: 'Research competitors for: CRM',
        messageId: '<m1.research.1.1@chainmail.local>',
        headers: { 'X-Chainmail-Run': 'm1', 'X-Chainmail-Step': 'research' },
      },
    ]);
    expect(x.log.events('m1')).toEqual(['RunStarted', 'StepStarted:research', 'AgentMailSent:research']);
    expect(find(x, 'm1', 'StepStarted', 'research')?.data).toMatchObject({ timeoutMs: 86_400_000 });

    // A redelivered commit sends nothing again.
    for (const commit of x.log.commits.filter((c) => c.runId === 'm1')) await x.runner.onCommit(commit);
    expect(x.mail.sent).toHaveLength(1);
  });

  it('takes the reply, stripped of quotes and signature, as the step\u2019s output', async () => {
    const x = setup();
    await x.start('m2', 'intel', { user_input: 'CRM' });
    await x.tick();
    await x.settle();
    const reply = toRunCommand({
      type: 'CompleteAgentMail',
      commandId: 'reply-1',
      runId: 'm2',
      stepId: 'research',
      visit: 1,
      attempt: 1,
      from: 'research@mail-to-ai.com',
      messageId: '<r1@mail-to-ai.com>',
      text: 'Acme and Globex.\n\n-- \nRita\n\nOn Mon, Jan 5, 2026 Chainmail <c@chainmail.local> wrote:\n> Research competitors',
    });
    if (reply === undefined) throw new Error('no command');
    await x.commands.handle('m2', reply.command, reply.msgId);
    await x.tick();
    await x.settle();
    expect(find(x, 'm2', 'StepSucceeded', 'research')?.data).toMatchObject({ output: 'Acme and Globex.' });
    expect(find(x, 'm2', 'RunSucceeded')?.data).toMatchObject({ output: 'ACME AND GLOBEX.' });
  });

  it('fails the attempt when the mail cannot be sent: retried when the server may take it later', async () => {
    const x = setup();
    x.mail.refusal = new AgentMailNotSent('451 try later', false);
    await x.start('m3', 'intel', { user_input: 'CRM' });
    await x.tick();
    await x.settle();
    expect(find(x, 'm3', 'StepFailed', 'research')?.data.error).toEqual({
      code: 'AGENT_FAILED',
      message: 'the mail to research@ (research@mail-to-ai.com) was not sent: 451 try later',
      retryable: true,
    });
    expect(x.log.events('m3').at(-1)).toBe('StepRetryScheduled:research');
  });
});

describe('workflow-kind agents', () => {
  it('starts the bound workflow as a child run with the rest of the budget, and counts what it spent', async () => {
    const x = new ExecutionHarness([new MeteredAgent('model@')], {
      bindings: [
        {
          address: 'model@',
          kind: 'openai',
          description: 'm',
          config: { baseUrl: 'https://a.example/v1', model: 'm' },
        },
        {
          address: 'summarize@',
          kind: 'workflow',
          description: 'pipeline',
          config: { workflow: 'summarize-pipeline' },
        },
      ],
    });
    x.publish(`
name: summarize-pipeline
steps:
  - id: ask
    agent: model@
    input: "{{ user_input }}"
`);
    x.publish(`
name: uses
limits: { max_tokens: 9000 }
steps:
  - id: summarize
    agent: summarize@
    input: "some text"
`);
    await x.start('w1', 'uses');
    await x.settle();
    expect(find(x, 'w1', 'StepStarted', 'summarize')?.data).toMatchObject({
      agent: 'summarize@',
      workflow: 'summarize-pipeline',
      childRunId: 'w1-summarize-1-1',
    });
    const start = x.bus.sent[0]?.command as StartRun;
    expect(start).toMatchObject({
      type: 'StartRun',
      runId: 'w1-summarize-1-1',
      workflow: 'summarize-pipeline',
      inputs: { user_input: 'some text' },
      parent: { runId: 'w1', stepId: 'summarize' },
      limits: { maxTokens: 9000 },
    });
    const { type: _type, ...data } = start;
    await x.commands.handle(start.runId, { type: 'StartRun', data }, 'child-start');
    await x.tick();
    await x.settle();
    expect(find(x, 'w1', 'StepSucceeded', 'summarize')?.data).toMatchObject({
      output: 'answer to some text',
      usage: { promptTokens: 1000, completionTokens: 1000, costUsd: 0.003 },
    });
  });
});

describe('budgets from the directory\u2019s prices', () => {
  it('refuses the second model call before making it', async () => {
    const model = new MeteredAgent('model@');
    const x = new ExecutionHarness([model], {
      bindings: [
        {
          address: 'model@',
          kind: 'openai',
          description: 'm',
          config: { baseUrl: 'https://api.example/v1', model: 'm-1', maxTokens: 500 },
        },
      ],
      prices: { 'm-1': { input: 1, output: 2 } },
    });
    x.publish(`
name: spendy
limits: { max_cost: 0.004 }
steps:
  - id: one
    agent: model@
  - id: two
    agent: model@
    input: "{{ one.output }}"
`);
    await x.start('b1', 'spendy');
    await x.tick();
    await x.settle();
    expect(model.calls).toHaveLength(1);
    expect(find(x, 'b1', 'RunFailed')?.data.error).toMatchObject({
      code: 'AGENT_BUDGET_EXCEEDED',
      stepId: 'two',
      message: expect.stringContaining('the run has spent $0.00300 of its max_cost $0.004'),
    });
  });
});

describe('AgentInvoker', () => {
  it('records the agent\u2019s Retry-After and passes the workflow on', async () => {
    const calls: AgentCall[] = [];
    const limited: Agent = {
      address: 'busy@',
      kind: 'builtin',
      description: 'rate limited',
      invoke: async (call) => {
        calls.push(call);
        throw new AgentError('AGENT_RATE_LIMITED', 'busy@ answered 429', true, { retryAfterMs: 3000 });
      },
    };
    const x = new ExecutionHarness([limited]);
    const outcome = await new AgentInvoker(x.directory).invoke({
      runId: 'r',
      stepId: 's',
      visit: 1,
      attempt: 1,
      agent: 'busy@',
      input: 'x',
      workflow: 'intel',
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'AGENT_RATE_LIMITED', retryable: true, retryAfterMs: 3000 },
    });
    expect(calls[0]?.workflow).toBe('intel');
  });

  it('refuses an entry that does not allow the calling workflow', async () => {
    const x = new ExecutionHarness([new MeteredAgent('model@')], {
      bindings: [
        {
          address: 'model@',
          kind: 'openai',
          description: 'm',
          config: { baseUrl: 'https://a.example/v1', model: 'm' },
          allowedWorkflows: ['intel'],
        },
      ],
    });
    const outcome = await new AgentInvoker(x.directory).invoke({
      runId: 'r',
      stepId: 's',
      visit: 1,
      attempt: 1,
      agent: 'model@',
      input: 'x',
      workflow: 'other',
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'AGENT_FORBIDDEN', retryable: false } });
  });
});

describe('RunCommandHandler and a cache behind the log', () => {
  it('checks a decision of nothing against the log: a timer for an event another replica appended still applies', async () => {
    const held = new HeldAgent('held@');
    const x = new ExecutionHarness([held]);
    x.publish(`
name: one
steps:
  - id: a
    agent: held@
`);
    await x.start('s1', 'one');
    await x.tick();
    // Another replica defers the attempt; this replica is not delivered that commit.
    const deliver = x.log.onAppend;
    x.log.onAppend = () => undefined;
    const behind = (await x.log.read('s1')).at(-1)?.seq ?? 0;
    await x.log.append(
      {
        runId: 's1',
        prev: behind,
        events: [
          {
            type: 'StepDeferred',
            v: 1,
            runId: 's1',
            at: '2026-01-01T00:00:00.000Z',
            data: {
              stepId: 'a',
              visit: 1,
              attempt: 1,
              deferral: 1,
              reason: 'busy',
              dueAt: '2026-01-01T00:00:00.250Z',
              delayMs: 250,
            },
          },
        ],
      },
      'other-replica',
    );
    x.log.onAppend = deliver;
    const handled = await fire(x, 's1', {
      type: 'FireTimer',
      data: { timer: { kind: 'resume', stepId: 'a', visit: 1, attempt: 1, deferral: 1 }, dueAt: '' },
    });
    expect(handled.events.map((e) => e.type)).toEqual(['StepResumed']);
    held.calls[0]?.answer('done');
  });
});
