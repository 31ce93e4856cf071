import type { RunCommand } from '@chainmail/engine';
import { spec } from './testing/decider-specification';
import { fire, receiveReply, recordMail } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf } from './testing/run-script';

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
const agents = { 'research@': { kind: 'email' as const, replyTimeoutMs: 86_400_000 } };

const MAIL = {
  stepId: 'research',
  visit: 1,
  attempt: 1,
  messageId: '<run-1.research.1.1@chainmail.local>',
  to: 'research@mail-to-ai.com',
  subject: 'competitor-analysis: research',
};
const record = (mail = MAIL): RunCommand => recordMail(mail);
const reply = (from = 'Research <Research@Mail-To-AI.com>', attempt = 1): RunCommand =>
  receiveReply({
    stepId: 'research',
    visit: 1,
    attempt,
    from,
    messageId: '<reply-1@mail-to-ai.com>',
    output: 'Three rivals.',
  });

/** research@ is a mailbox; its step has started, the mail is not sent yet. */
const started = () => {
  const h = new RunHistory(seed);
  return spec(seed, { agents }).given([
    h.runStarted({ user_input: 'CRM' }),
    h.stepStarted('research', { timeoutMs: 86_400_000 }),
  ]);
};

/** The mail went out; the step waits for the reply. */
const waitingForReply = () => {
  const h = new RunHistory(seed);
  return spec(seed, { agents }).given([
    h.runStarted({ user_input: 'CRM' }),
    h.stepStarted('research', { timeoutMs: 86_400_000 }),
    h.event('AgentMailSent', { ...MAIL, agent: 'research@' }),
  ]);
};

describe('email agents', () => {
  it('the sent mail is recorded once, and the run parks while the step waits for the reply', () => {
    const sent = started()
      .when(record())
      .then([{ type: 'AgentMailSent', data: { ...MAIL, agent: 'research@' } }]);
    expect(sent.state).toMatchObject({ openCheckpoints: 1, parkedSince: sent.events[0].at });
    expect(sent.state.steps['research']).toMatchObject({
      status: 'running',
      mail: { to: 'research@mail-to-ai.com' },
    });
    sent.and(record()).thenNothing();
  });

  it('the wait does not count against the run’s timeout', () => {
    const h = new RunHistory(seed);
    const runStarted = h.runStarted({ user_input: 'CRM' });
    const deferred = spec(seed, { agents })
      .given([
        runStarted,
        h.stepStarted('research'),
        h.event('AgentMailSent', { ...MAIL, agent: 'research@' }),
      ])
      .when(fire({ kind: 'run-timeout' }), Date.parse(runStarted.at) + 600_000)
      .then(['RunTimeoutDeferred']);
    const replied = deferred
      .and(reply('research@mail-to-ai.com'))
      .then(['AgentReplyReceived:research', 'StepSucceeded:research', 'StepStarted:summarize']);
    expect(replied.state.parkedMs).toBeGreaterThanOrEqual(600_000);
    expect(replied.state.openCheckpoints).toBe(0);
  });

  it('the reply from the agent’s mailbox (any case, with a display name) is the step’s output', () => {
    waitingForReply()
      .when(reply())
      .then([
        {
          type: 'AgentReplyReceived',
          data: { from: 'Research <Research@Mail-To-AI.com>', messageId: '<reply-1@mail-to-ai.com>' },
        },
        { type: 'StepSucceeded', data: { stepId: 'research', output: 'Three rivals.' } },
        {
          type: 'StepStarted',
          data: { stepId: 'summarize', input: 'Summarize this research: Three rivals.' },
        },
      ]);
  });

  it('a reply from anyone else, for another attempt, or before the mail was recorded decides nothing', () => {
    started().when(reply()).thenNothing();
    waitingForReply().when(reply('mallory@evil.example')).thenNothing();
    waitingForReply().when(reply('research@mail-to-ai.com', 2)).thenNothing();
  });

  it('the step timeout ends the wait and unparks; the retry sends a mail of its own', () => {
    const timedOut = waitingForReply()
      .when(fire({ kind: 'step-timeout', stepId: 'research', visit: 1, attempt: 1 }))
      .then(['StepFailed:research', 'StepRetryScheduled:research'])
      .thenFails('STEP_TIMEOUT', 'research');
    expect(timedOut.state.openCheckpoints).toBe(0);
    expect(timedOut.state.steps['research'].mail).toBeUndefined();
    const resent = timedOut
      .and(fire({ kind: 'retry', stepId: 'research', visit: 1, attempt: 2 }))
      .then([{ type: 'StepStarted', data: { stepId: 'research', attempt: 2 } }])
      .and(record({ ...MAIL, attempt: 2, messageId: '<run-1.research.1.2@chainmail.local>' }))
      .then(['AgentMailSent:research']);
    resent.and(reply('research@mail-to-ai.com', 1)).thenNothing();
    resent
      .and(reply('research@mail-to-ai.com', 2))
      .then(['AgentReplyReceived:research', 'StepSucceeded:research', 'StepStarted:summarize']);
  });
});
