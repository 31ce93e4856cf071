import { signApprovalLink, type ApprovalLinkClaims } from '@chainmail/identity';
import type { CheckpointState, RunRecord } from '@chainmail/persistence';
import { ApprovalLinksUseCase } from './approval-links.usecase';
import type { ApproverAnswer, ApproverDecisionUseCase, CheckpointVisit } from './approver-decision.usecase';

const KEY = Buffer.alloc(32, 3);
const NOW = Date.parse('2030-01-01T10:00:00.000Z');
const claims: ApprovalLinkClaims = {
  runId: 'r1',
  stepId: 'review',
  visit: 1,
  approver: 'jane@acme.example',
  action: 'approve',
  expiresAt: NOW + 3_600_000,
};

class World {
  checkpoint: CheckpointState = {
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
  used = new Map<string, Date>();

  useCase(key: Buffer | null = KEY): ApprovalLinksUseCase {
    const decisions = {
      checkpoint: async () => this.checkpoint,
      isApprover: async (c: CheckpointState, address: string) => (c.approvers ?? []).includes(address),
      decide: async (target: CheckpointVisit, by: string, answer: ApproverAnswer, via: string) => {
        this.decided.push({ target, by, answer, via });
        this.checkpoint = { ...this.checkpoint, open: false };
        return { kind: 'decided' as const, checkpoint: this.checkpoint };
      },
    } as unknown as ApproverDecisionUseCase;
    const links = {
      use: async (id: string) => {
        if (this.used.has(id)) return false;
        this.used.set(id, new Date(NOW));
        return true;
      },
      usedAt: async (id: string) => this.used.get(id),
    };
    const run = {
      steps: [
        { stepId: 'draft', status: 'succeeded', output: 'Contract v1' },
        { stepId: 'review', status: 'waiting', output: null },
      ],
    } as unknown as RunRecord;
    return new ApprovalLinksUseCase(
      key ?? undefined,
      decisions,
      links,
      { findRunRecord: async () => run },
      () => NOW,
    );
  }
}

const token = (c: ApprovalLinkClaims = claims) => signApprovalLink(c, KEY);

describe('approval links', () => {
  it('opening a link (any number of times) shows the checkpoint and its one button, and decides nothing', async () => {
    const world = new World();
    const cases = world.useCase();
    for (let i = 0; i < 3; i++) {
      const shown = await cases.show(token());
      expect(shown.status).toBe(200);
      expect(shown.view.form).toEqual({ action: 'approve', outcome: 'continue' });
      expect(shown.view.checkpoint?.produced).toEqual([{ stepId: 'draft', output: 'Contract v1' }]);
    }
    expect(world.decided).toEqual([]);
    expect(world.used.size).toBe(0);
  });

  it('its button decides once, as the link\u2019s approver, by link; the second press changes nothing', async () => {
    const world = new World();
    const cases = world.useCase();
    const pressed = await cases.act(token(), { comment: ' fine ' });
    expect(pressed.status).toBe(200);
    expect(world.decided).toEqual([
      {
        target: claims,
        by: 'jane@acme.example',
        answer: { action: 'approve', comment: 'fine' },
        via: 'link',
      },
    ]);
    expect((await cases.act(token(), {})).status).toBe(410);
    expect((await cases.show(token())).status).toBe(410);
    expect(world.decided).toHaveLength(1);
  });

  it('an edit needs the new input, which it carries', async () => {
    const world = new World();
    const edit = token({ ...claims, action: 'edit' });
    const empty = await world.useCase().act(edit, { input: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.view.form?.error).toContain('Write the new input');
    expect(world.used.size).toBe(0);
    expect((await world.useCase().act(edit, { input: 'Contract v2\r\n' })).status).toBe(200);
    expect(world.decided[0].answer).toEqual({ action: 'edit', input: 'Contract v2' });
  });

  it('forged, expired, decided, and not an approver: nothing changes, and the page says why', async () => {
    const world = new World();
    const forged = `${token().slice(0, -4)}AAAA`;
    expect((await world.useCase().act(forged, {})).status).toBe(404);
    expect((await world.useCase().act(token({ ...claims, expiresAt: NOW - 1 }), {})).status).toBe(410);
    expect(
      (await world.useCase().act(token({ ...claims, approver: 'mallory@evil.example' }), {})).status,
    ).toBe(403);
    world.checkpoint = {
      ...world.checkpoint,
      open: false,
      decision: { action: 'reject', by: 'bob@acme.example', via: 'mail', at: '2030-01-01T09:00:00.000Z' },
    };
    const late = await world.useCase().act(token(), {});
    expect(late.status).toBe(409);
    expect(late.view.lines[0]).toBe(
      'It was rejected by bob@acme.example (mail) at 2030-01-01T09:00:00.000Z.',
    );
    expect((await world.useCase(null).show(token())).status).toBe(404);
    expect(world.decided).toEqual([]);
  });
});
