import type { AgentEntry } from '@chainmail/agents';
import {
  makeRunEvent,
  type CompleteAgentMail,
  type RunEvent,
  type StoredRunCommit,
} from '@chainmail/contracts';
import { projectCommits, type AgentMailRecord } from '@chainmail/persistence';
import type { AgentMailKey } from '@chainmail/agents';
import type { TriggerBindings } from '../bindings/trigger-bindings';
import type { InboundEntry } from '../inbound/inbound-record';
import type { RunStarter } from '../runs/traced-run-starter';
import { AgentReplies } from './agent-replies';
import type { InboundMail } from './inbound-mail';
import { ReceiveMailUseCase } from './receive-mail.usecase';
import { SenderAllowList } from './sender-allow-list';

const RUN = 'r1';
const AGENT_MAIL = '<r1.research.1.1@chainmail.local>';
const at = '2026-01-05T10:00:00.000Z';
const started = makeRunEvent('RunStarted', RUN, at, {
  workflow: 'competitor-analysis',
  version: 1,
  inputs: {},
  trigger: { kind: 'api' },
  owner: 'o',
  actor: 'a',
  debug: false,
  commandId: 'c',
  timeoutMs: 600_000,
});
const stepStarted = makeRunEvent('StepStarted', RUN, at, {
  stepId: 'research',
  visit: 1,
  attempt: 1,
  kind: 'agent',
  agent: 'research@',
  input: 'Research competitors',
});
const mailSent = makeRunEvent('AgentMailSent', RUN, at, {
  stepId: 'research',
  visit: 1,
  attempt: 1,
  agent: 'research@',
  messageId: AGENT_MAIL,
  to: 'research@mail-to-ai.com',
  subject: 'competitor-analysis: research',
});

class World {
  commits: StoredRunCommit[] = [];
  readonly sent: CompleteAgentMail[] = [];
  readonly replies = new AgentReplies(
    {
      mail: async (key) => this.view(key),
      catchUp: async () => undefined,
      send: async (_subject, command) => void this.sent.push(command),
      agents: () => [
        {
          address: 'research@',
          kind: 'email',
          config: { to: 'research@mail-to-ai.com' },
        } as unknown as AgentEntry,
      ],
    },
    { domain: 'chainmail.local', replyAddress: 'agent-replies@chainmail.local' },
  );

  /** The run views as the projector writes them from the whole log (its pure half), like the SQL reads them. */
  private view(key: AgentMailKey): AgentMailRecord | null {
    const batch = projectCommits(this.commits.filter((c) => c.runId === key.runId));
    const run = batch.runs[0];
    if (!run) return null;
    const step = batch.steps.find((s) => s.stepId === key.stepId);
    const mail = batch.mails.find(
      (m) => m.stepId === key.stepId && m.visit === key.visit && m.attempt === key.attempt,
    );
    return {
      workflow: run.started?.workflow ?? '',
      messageId: mail?.messageId ?? null,
      agent: mail?.agent ?? null,
      to: mail?.to ?? null,
      replyMessageId: mail?.replyMessageId ?? null,
      waiting:
        run.status === 'running' &&
        step?.status === 'running' &&
        step.visit === key.visit &&
        step.attempts === key.attempt &&
        mail?.replied !== true,
    };
  }

  log(...events: RunEvent[]): this {
    this.commits.push({ runId: RUN, prev: this.commits.length, seq: this.commits.length + 1, events });
    return this;
  }
}

const reply = (fields: Partial<InboundMail> = {}): InboundMail => ({
  from: 'research@mail-to-ai.com',
  subject: 'Re: competitor-analysis: research',
  messageId: '<answer-1@mail-to-ai.com>',
  inReplyTo: AGENT_MAIL,
  references: [AGENT_MAIL],
  text: 'Acme and Globex.\n\n> Research competitors',
  attachments: [],
  autoSubmitted: false,
  digest: 'd',
  ...fields,
});
const envelope = { sender: 'research@mail-to-ai.com', recipients: ['agent-replies@chainmail.local'] };

describe('AgentReplies', () => {
  it('hands the reply of the agent\u2019s mailbox to execution and records it as accepted', async () => {
    const world = new World().log(started, stepStarted).log(mailSent);
    const mail = reply({ from: 'Research@Mail-To-AI.com' });
    const answered = world.replies.match(mail);
    expect(answered?.key).toEqual({ runId: RUN, stepId: 'research', visit: 1, attempt: 1 });
    const decided = await world.replies.receive(mail, answered!, envelope);
    expect(decided.reply).toMatchObject({ accept: true });
    expect(world.sent).toEqual([
      {
        type: 'CompleteAgentMail',
        commandId: 'agent-reply:r1:research:1:1',
        runId: RUN,
        stepId: 'research',
        visit: 1,
        attempt: 1,
        from: 'Research@Mail-To-AI.com',
        messageId: '<answer-1@mail-to-ai.com>',
        text: 'Acme and Globex.\n\n> Research competitors',
      },
    ]);
    expect(decided.entries).toEqual([
      expect.objectContaining({
        status: 'accepted',
        runId: RUN,
        workflow: 'competitor-analysis',
        recipient: 'agent-replies@chainmail.local',
        reason: 'reply of research@ to step "research" of run r1',
      }),
    ]);
  });

  it('refuses a reply from anyone but the agent\u2019s mailbox', async () => {
    const world = new World().log(started, stepStarted, mailSent);
    const mail = reply({ from: 'mallory@evil.example' });
    const decided = await world.replies.receive(mail, world.replies.match(mail)!, envelope);
    expect(decided.reply).toEqual({
      accept: false,
      code: 550,
      message:
        'the reply to research@ (step "research" of run r1) must come from research@mail-to-ai.com, not mallory@evil.example',
    });
    expect(decided.entries[0]).toMatchObject({
      status: 'refused',
      sender: 'mallory@evil.example',
      runId: RUN,
    });
    expect(world.sent).toEqual([]);
  });

  it('asks the server to try again when the mail is not recorded yet, and refuses a reply nothing waits for', async () => {
    const early = new World().log(started, stepStarted);
    const mail = reply();
    expect((await early.replies.receive(mail, early.replies.match(mail)!, envelope)).reply).toMatchObject({
      accept: false,
      code: 451,
    });
    const done = new World().log(started, stepStarted, mailSent).log(
      makeRunEvent('StepFailed', RUN, at, {
        stepId: 'research',
        visit: 1,
        attempt: 1,
        error: { code: 'STEP_TIMEOUT', message: 'late', retryable: true },
        durationMs: 1,
      }),
    );
    const late = await done.replies.receive(mail, done.replies.match(mail)!, envelope);
    expect(late.reply).toMatchObject({
      accept: false,
      code: 550,
      message: expect.stringContaining('no longer waits'),
    });
    const none = new World();
    expect((await none.replies.receive(mail, none.replies.match(mail)!, envelope)).reply).toMatchObject({
      code: 550,
      message: expect.stringContaining('does not exist'),
    });
    expect([...early.sent, ...done.sent]).toEqual([]);
  });

  it('refuses an automatic reply (out of office): the step keeps waiting', async () => {
    const world = new World().log(started, stepStarted, mailSent);
    const mail = reply({ autoSubmitted: true });
    const decided = await world.replies.receive(mail, world.replies.match(mail)!, envelope);
    expect(decided.reply).toMatchObject({
      accept: false,
      code: 550,
      message: expect.stringContaining('Auto-Submitted'),
    });
  });

  it('accepts a redelivery of the reply that was taken, sending nothing again', async () => {
    const world = new World().log(started, stepStarted, mailSent).log(
      makeRunEvent('AgentReplyReceived', RUN, at, {
        stepId: 'research',
        visit: 1,
        attempt: 1,
        from: 'research@mail-to-ai.com',
        messageId: '<answer-1@mail-to-ai.com>',
      }),
      makeRunEvent('StepSucceeded', RUN, at, {
        stepId: 'research',
        visit: 1,
        attempt: 1,
        output: 'x',
        durationMs: 1,
      }),
    );
    const mail = reply();
    const decided = await world.replies.receive(mail, world.replies.match(mail)!, envelope);
    expect(decided.reply).toMatchObject({ accept: true });
    expect(world.sent).toEqual([]);
  });
});

describe('ReceiveMailUseCase with agent replies', () => {
  const setup = () => {
    const world = new World().log(started, stepStarted, mailSent);
    const recorded: InboundEntry[] = [];
    const starts: unknown[] = [];
    // One trigger that only takes mail from acme: the agent's mailbox is not on its list.
    const bindings = {
      emailFor: (recipient: string) =>
        recipient.startsWith('competitor-intel@')
          ? [{ workflow: 'competitor-analysis', address: 'competitor-intel@', allow: ['*@acme.example'] }]
          : [],
      emailBindings: () => [
        { workflow: 'competitor-analysis', address: 'competitor-intel@', allow: ['*@acme.example'] },
      ],
    } as unknown as TriggerBindings;
    const starter: RunStarter = {
      execute: async (request) => {
        starts.push(request);
        return { runId: 'new', version: 1, duplicate: false, fresh: true };
      },
    };
    const mail = new ReceiveMailUseCase(
      bindings,
      starter,
      { record: async (entries) => void recorded.push(...[entries].flat()) },
      { defaultAllow: SenderAllowList.anyone(), maxMailBytes: 1e6, maxInputBytes: 1e6, parseTimeoutMs: 5000 },
      undefined,
      undefined,
      world.replies,
    );
    return { world, recorded, starts, mail };
  };
  const raw = (headers: string[], body: string): { raw: Buffer } => ({
    raw: Buffer.from([...headers, 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n')),
  });

  it('lets the agent\u2019s mailbox through MAIL FROM and the reply address through RCPT TO', async () => {
    const { mail } = setup();
    expect(await mail.mailFrom('research@mail-to-ai.com', {})).toEqual({ accept: true });
    expect(await mail.mailFrom('stranger@else.example', {})).toMatchObject({ accept: false, code: 550 });
    expect(await mail.rcptTo('research@mail-to-ai.com', 'Agent-Replies@chainmail.local', {})).toMatchObject({
      accept: true,
    });
  });

  it('turns a reply into CompleteAgentMail, starting no run, and records it', async () => {
    const { mail, world, recorded, starts } = setup();
    const answer = await mail.data(
      envelope,
      raw(
        [
          'From: Research <research@mail-to-ai.com>',
          'To: agent-replies@chainmail.local',
          'Subject: Re: competitor-analysis: research',
          'Message-ID: <answer-1@mail-to-ai.com>',
          `In-Reply-To: ${AGENT_MAIL}`,
          `References: ${AGENT_MAIL}`,
        ],
        'Acme and Globex.\r\n\r\nOn Mon, Jan 5, 2026 Chainmail <c@chainmail.local> wrote:\r\n> Research competitors',
      ),
      {},
    );
    expect(answer).toMatchObject({ accept: true });
    expect(starts).toEqual([]);
    expect(world.sent[0]).toMatchObject({
      runId: RUN,
      stepId: 'research',
      text: expect.stringContaining('Acme and Globex.'),
    });
    expect(recorded).toEqual([
      expect.objectContaining({
        channel: 'email',
        status: 'accepted',
        runId: RUN,
        messageId: '<answer-1@mail-to-ai.com>',
      }),
    ]);
  });

  it('refuses mail to the reply address that answers no agent mail', async () => {
    const { mail, recorded } = setup();
    const answer = await mail.data(
      envelope,
      raw(['From: research@mail-to-ai.com', 'Subject: hello'], 'Hi'),
      {},
    );
    expect(answer).toMatchObject({ accept: false, code: 550 });
    expect(recorded[0]).toMatchObject({
      status: 'refused',
      reason: 'to a reply address, but answers no agent or checkpoint mail',
    });
  });
});
