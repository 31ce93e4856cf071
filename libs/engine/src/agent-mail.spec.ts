import { definitionOf, RunScript, trace } from './testing/run-script';

const seed = definitionOf(`
name: competitor-analysis
timeout: 10m
steps:
  - id: research
    agent: research@
    input: "Research competitors for: {{ user_input }}"
    retry: { max: 1, delay: 1s, jitter: false }
  - id: summarize
    agent: summarize@
    input: "Summarize this research: {{ research.output }}"
`);

const MAIL = {
  stepId: 'research',
  visit: 1,
  attempt: 1,
  messageId: '<run-1.research.1.1@chainmail.local>',
  to: 'research@mail-to-ai.com',
  subject: 'competitor-analysis: research',
};

const emailRun = (): RunScript => {
  const run = new RunScript(seed);
  run.agents = { 'research@': { kind: 'email', replyTimeoutMs: 86_400_000 } };
  run.start({ user_input: 'CRM' });
  return run;
};
const record = (run: RunScript, mail = MAIL) => run.when({ type: 'RecordAgentMail', data: mail });
const reply = (run: RunScript, from = 'Research <Research@Mail-To-AI.com>', attempt = 1) =>
  run.when({
    type: 'ReceiveAgentReply',
    data: {
      stepId: 'research',
      visit: 1,
      attempt,
      from,
      messageId: '<reply-1@mail-to-ai.com>',
      output: 'Three rivals.',
    },
  });

describe('email agents', () => {
  it('records the sent mail once and parks the run while the step waits for the reply', () => {
    const run = emailRun();
    const sent = record(run);
    expect(trace(sent)).toEqual(['AgentMailSent:research']);
    expect(sent[0].data).toMatchObject({ ...MAIL, agent: 'research@' });
    expect(run.state).toMatchObject({ openCheckpoints: 1, parkedSince: run.log.at(-1)?.events[0].at });
    expect(run.step('research')).toMatchObject({
      status: 'running',
      mail: { to: 'research@mail-to-ai.com' },
    });
    expect(record(run)).toEqual([]);
  });

  it('does not count the wait against the run\u2019s timeout', () => {
    const run = emailRun();
    record(run);
    const fired = run.fire({ kind: 'run-timeout' }, 600_000);
    expect(trace(fired)).toEqual(['RunTimeoutDeferred']);
    reply(run, 'research@mail-to-ai.com');
    expect(run.state.parkedMs).toBeGreaterThanOrEqual(600_000);
    expect(run.state.openCheckpoints).toBe(0);
  });

  it('takes the reply from the agent\u2019s mailbox as the step\u2019s output', () => {
    const run = emailRun();
    record(run);
    const events = reply(run);
    expect(trace(events)).toEqual([
      'AgentReplyReceived:research',
      'StepSucceeded:research',
      'StepStarted:summarize',
    ]);
    expect(events[0].data).toMatchObject({
      from: 'Research <Research@Mail-To-AI.com>',
      messageId: '<reply-1@mail-to-ai.com>',
    });
    expect(run.step('summarize').input).toBe('Summarize this research: Three rivals.');
  });

  it('ignores a reply from anyone else, for another attempt, or before the mail was recorded', () => {
    const run = emailRun();
    expect(reply(run)).toEqual([]);
    record(run);
    expect(reply(run, 'mallory@evil.example')).toEqual([]);
    expect(reply(run, 'research@mail-to-ai.com', 2)).toEqual([]);
    expect(run.step('research').status).toBe('running');
  });

  it('times out by the step timeout, unparks, and sends again on the retry', () => {
    const run = emailRun();
    record(run);
    const events = run.fire({ kind: 'step-timeout', stepId: 'research', visit: 1, attempt: 1 }, 86_400_000);
    expect(trace(events)).toEqual(['StepFailed:research', 'StepRetryScheduled:research']);
    expect(run.state.openCheckpoints).toBe(0);
    expect(run.step('research').mail).toBeUndefined();
    run.fire({ kind: 'retry', stepId: 'research', visit: 1, attempt: 2 }, 1000);
    expect(
      trace(record(run, { ...MAIL, attempt: 2, messageId: '<run-1.research.1.2@chainmail.local>' })),
    ).toEqual(['AgentMailSent:research']);
    expect(reply(run, 'research@mail-to-ai.com', 1)).toEqual([]);
    expect(trace(reply(run, 'research@mail-to-ai.com', 2))).toContain('StepSucceeded:research');
  });
});
