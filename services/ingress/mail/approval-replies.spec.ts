import type { CheckpointState } from '@chainmail/persistence';
import type {
  ApproverAnswer,
  ApproverDecisionUseCase,
  ApproverOutcome,
  CheckpointVisit,
} from '../approvals/approver-decision.usecase';
import { ApprovalReplies } from './approval-replies';
import type { InboundMail } from './inbound-mail';
import type { ReplyMail } from './reply-mailer';

const CHECKPOINT_MAIL = '<r1.review.1.approval@chainmail.local>';
const envelope = { sender: 'jane@acme.example', recipients: ['approvals@chainmail.local'] };

class World {
  checkpoint: CheckpointState | null = {
    runId: 'r1',
    owner: 'user:u1',
    workflow: 'human-review',
    stepId: 'review',
    visit: 1,
    open: true,
    message: 'Review the draft',
    actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
    approvers: ['jane@acme.example'],
    deadline: null,
    decision: null,
  };
  decided: { target: CheckpointVisit; by: string; answer: ApproverAnswer; via: string }[] = [];
  answers: ReplyMail[] = [];

  replies(): ApprovalReplies {
    const decisions = {
      checkpoint: async () => this.checkpoint,
      isApprover: async (c: CheckpointState, from: string) =>
        (c.approvers ?? []).includes(from.replace(/^.*</, '').replace(/>$/, '').toLowerCase()),
      decide: async (
        target: CheckpointVisit,
        by: string,
        answer: ApproverAnswer,
        via: string,
      ): Promise<ApproverOutcome> => {
        this.decided.push({ target, by, answer, via });
        return { kind: 'decided', checkpoint: this.checkpoint as CheckpointState };
      },
    } as unknown as ApproverDecisionUseCase;
    const mailer = {
      send: async (mail: ReplyMail) => {
        this.answers.push(mail);
        return true;
      },
      close: () => undefined,
    };
    return new ApprovalReplies(decisions, mailer, {
      domain: 'chainmail.local',
      replyAddress: 'approvals@chainmail.local',
    });
  }
}

function reply(text: string, extra: Partial<InboundMail> = {}): InboundMail {
  return {
    from: 'jane@acme.example',
    subject: 'Re: Approval needed',
    messageId: '<reply-1@acme.example>',
    references: [CHECKPOINT_MAIL],
    inReplyTo: CHECKPOINT_MAIL,
    text,
    attachments: [],
    autoSubmitted: false,
    digest: 'd',
    ...extra,
  };
}

async function receive(world: World, mail: InboundMail, sender = envelope.sender) {
  const replies = world.replies();
  const answered = replies.match(mail);
  if (answered === undefined) throw new Error('no checkpoint mail matched');
  return replies.receive(mail, answered, { ...envelope, sender });
}

describe('replies to checkpoint mails', () => {
  it('match by In-Reply-To or References, and only checkpoint mails of this domain', () => {
    const replies = new World().replies();
    expect(replies.match(reply('approve'))?.key).toEqual({ runId: 'r1', stepId: 'review', visit: 1 });
    expect(replies.match(reply('approve', { inReplyTo: undefined }))?.messageId).toBe(CHECKPOINT_MAIL);
    expect(
      replies.match(
        reply('approve', { inReplyTo: '<x@y>', references: ['<r1.review.1.1@chainmail.local>'] }),
      ),
    ).toBeUndefined();
    expect(replies.isReplyAddress('Approvals <APPROVALS@chainmail.local>')).toBe(true);
  });

  it('an approver\u2019s "approve" with a comment decides, by mail', async () => {
    const world = new World();
    const decided = await receive(world, reply('Approve - fine by me\n\n> quoted'));
    expect(decided.reply).toMatchObject({ accept: true });
    expect(decided.entries[0]).toMatchObject({ status: 'accepted', workflow: 'human-review', runId: 'r1' });
    expect(world.decided).toEqual([
      {
        target: { runId: 'r1', stepId: 'review', visit: 1 },
        by: 'jane@acme.example',
        answer: { action: 'approve', comment: 'fine by me' },
        via: 'mail',
      },
    ]);
    expect(world.answers).toEqual([]);
  });

  it('a stranger is answered politely by mail, in the thread, and nothing is decided', async () => {
    const world = new World();
    const decided = await receive(world, reply('approve', { from: 'mallory@evil.example' }));
    expect(decided.reply).toMatchObject({ accept: true });
    expect(decided.entries[0]).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('not an approver') as string,
    });
    expect(world.decided).toEqual([]);
    expect(world.answers).toHaveLength(1);
    expect(world.answers[0]).toMatchObject({
      to: 'mallory@evil.example',
      inReplyTo: '<reply-1@acme.example>',
    });
    expect(world.answers[0].text).toContain('your reply changed nothing');
    // Without an envelope sender (a bounce) nobody is answered.
    await receive(world, reply('approve', { from: 'mallory@evil.example' }), '');
    expect(world.answers).toHaveLength(1);
  });

  it('a reply to a visit decided already is answered with who decided, and decides nothing', async () => {
    const world = new World();
    world.checkpoint = {
      ...(world.checkpoint as CheckpointState),
      open: false,
      decision: { action: 'approve', by: 'usr_1', via: 'cli', at: '2030-01-01T00:00:00.000Z' },
    };
    const decided = await receive(world, reply('reject'));
    expect(decided.entries[0]).toMatchObject({ status: 'refused' });
    expect(world.decided).toEqual([]);
    expect(world.answers[0].text).toContain(
      'was approved by usr_1 (with the CLI) at 2030-01-01T00:00:00.000Z',
    );
  });

  it('a reply with nothing of its own asks again; an auto-reply is refused unanswered; an unknown run is refused', async () => {
    const world = new World();
    await receive(world, reply('> approve\n> quoted only'));
    expect(world.answers[0].text).toContain('Reply again with approve');
    const auto = await receive(world, reply('I am out of office', { autoSubmitted: true }));
    expect(auto.reply).toMatchObject({ accept: false, code: 550 });
    world.checkpoint = null;
    expect((await receive(world, reply('approve'))).reply).toMatchObject({ accept: false, code: 550 });
    expect(world.decided).toEqual([]);
    expect(world.answers).toHaveLength(1);
  });
});
