import {
  agentMailId,
  checkpointMailId,
  findAgentMail,
  findCheckpointMail,
  parseAgentMailId,
  parseCheckpointMailId,
} from './agent-mail-id';

const key = { runId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', stepId: 'research', visit: 1, attempt: 2 };

describe('agent mail Message-IDs', () => {
  it('names the step attempt, and reads back to it', () => {
    const id = agentMailId(key, 'Chainmail.Local');
    expect(id).toBe('<7c9e6679-7425-40de-944b-e07fc1f90ae7.research.1.2@chainmail.local>');
    expect(parseAgentMailId(id, 'chainmail.local')).toEqual(key);
  });

  it('carries a foreach item and a child run id', () => {
    const item = { runId: 'p-fan-1-1', stepId: 'fan[12]', visit: 3, attempt: 1 };
    const id = agentMailId(item, 'chainmail.local');
    expect(id).toBe('<p-fan-1-1.fan~12.3.1@chainmail.local>');
    expect(parseAgentMailId(id, 'chainmail.local')).toEqual(item);
  });

  it('refuses ids of another domain or shape', () => {
    const good = '7c9e.research.1.2';
    expect(parseAgentMailId(`<${good}@other.example>`, 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId('<run-1.done@chainmail.local>', 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId('<a.b.c.1.2@chainmail.local>', 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId('<r.research.0.1@chainmail.local>', 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId('<r.9step.1.1@chainmail.local>', 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId(`<${good}@chainmail.local>`, 'chainmail.local')).toEqual({
      runId: '7c9e',
      stepId: 'research',
      visit: 1,
      attempt: 2,
    });
  });

  it('refuses to name a run id that a Message-ID cannot carry', () => {
    expect(() => agentMailId({ ...key, runId: 'a b' }, 'x.example')).toThrow(/cannot be named/);
  });

  it('finds the agent mail of a reply by In-Reply-To, else by the newest of References', () => {
    const mine = agentMailId(key, 'chainmail.local');
    expect(findAgentMail({ inReplyTo: mine }, 'chainmail.local')).toEqual({ key, messageId: mine });
    const older = agentMailId({ ...key, attempt: 1 }, 'chainmail.local');
    expect(
      findAgentMail(
        { inReplyTo: '<theirs@mail-to-ai.com>', references: [older, mine, '<x@y.example>'] },
        'chainmail.local',
      ),
    ).toEqual({ key, messageId: mine });
    expect(findAgentMail({ references: [`${older} ${mine}`] }, 'chainmail.local')?.key.attempt).toBe(2);
    expect(findAgentMail({ inReplyTo: '<someone@else.example>' }, 'chainmail.local')).toBeUndefined();
  });
});

describe('checkpoint mail ids', () => {
  const key = { runId: 'run-1', stepId: 'human-review', visit: 2 };

  it('names a checkpoint visit and reads it back, in a thread of other mails', () => {
    const id = checkpointMailId(key, 'Chainmail.Local');
    expect(id).toBe('<run-1.human-review.2.approval@chainmail.local>');
    expect(parseCheckpointMailId(id, 'chainmail.local')).toEqual(key);
    expect(
      findCheckpointMail(
        { inReplyTo: '<x@mail.example>', references: [id, '<y@mail.example>'] },
        'chainmail.local',
      ),
    ).toEqual({ key, messageId: id });
  });

  it('is never taken for an agent mail, nor an agent mail for it, nor another domain', () => {
    const agent = agentMailId({ runId: 'run-1', stepId: 'draft', visit: 1, attempt: 1 }, 'chainmail.local');
    expect(parseCheckpointMailId(agent, 'chainmail.local')).toBeUndefined();
    expect(parseAgentMailId(checkpointMailId(key, 'chainmail.local'), 'chainmail.local')).toBeUndefined();
    expect(parseCheckpointMailId(checkpointMailId(key, 'chainmail.local'), 'other.example')).toBeUndefined();
  });
});
