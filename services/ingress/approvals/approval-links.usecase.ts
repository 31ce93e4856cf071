import type { CheckpointDecision } from '@chainmail/contracts';
import { readApprovalLink, type ApprovalLinkClaims, type ApprovalLinkRepository } from '@chainmail/identity';
import type { CheckpointState, RunReadRepository } from '@chainmail/persistence';
import type { ApprovalPageView } from './approval-page';
import type { ApproverDecisionUseCase } from './approver-decision.usecase';

export interface LinkAnswer {
  status: number;
  view: ApprovalPageView;
}

export interface LinkForm {
  comment?: unknown;
  input?: unknown;
}

const DONE: Record<CheckpointDecision, string> = { approve: 'approved', reject: 'rejected', edit: 'edited' };

/**
 * Signed approval links (`/approvals/<token>`): opening one shows the checkpoint and one button;
 * only the button (a POST) decides, once — the link is recorded as used before the decision is
 * sent, so a second press, or a copy of the link, decides nothing. An expired or forged link, or
 * a checkpoint decided already, shows why and changes nothing.
 */
export class ApprovalLinksUseCase {
  constructor(
    private readonly key: Buffer | undefined,
    private readonly decisions: ApproverDecisionUseCase,
    private readonly links: Pick<ApprovalLinkRepository, 'use' | 'usedAt'>,
    private readonly reads: Pick<RunReadRepository, 'findRunRecord'>,
    private readonly now: () => number = Date.now,
  ) {}

  async show(token: string): Promise<LinkAnswer> {
    const link = this.read(token);
    if (!link.ok) return link.answer;
    const { id, claims } = link;
    const used = await this.used(id);
    if (used !== undefined) return used;
    const state = await this.state(claims);
    if (!state.ok) return state.answer;
    return { status: 200, view: await this.page(claims, state.checkpoint) };
  }

  /** The answer for a link used before, if it was. */
  private async used(id: string): Promise<LinkAnswer | undefined> {
    const at = await this.links.usedAt(id);
    if (at === undefined) return undefined;
    return {
      status: 410,
      view: {
        title: 'This link was used',
        lines: [`It was used at ${at.toISOString()}; each link works once. Nothing changed.`],
      },
    };
  }

  async act(token: string, form: LinkForm): Promise<LinkAnswer> {
    const link = this.read(token);
    if (!link.ok) return link.answer;
    const { id, claims } = link;
    const used = await this.used(id);
    if (used !== undefined) return used;
    const state = await this.state(claims);
    if (!state.ok) return state.answer;
    const comment = typeof form.comment === 'string' ? form.comment.trim() : '';
    const input = typeof form.input === 'string' ? form.input.replace(/\r\n?/g, '\n').trim() : '';
    if (claims.action === 'edit' && input === '') {
      const view = await this.page(claims, state.checkpoint, 'Write the new input before sending the edit.');
      return { status: 400, view };
    }
    if (!(await this.links.use(id, claims)))
      return {
        status: 410,
        view: { title: 'This link was used', lines: ['Each link works once: nothing changed.'] },
      };
    const outcome = await this.decisions.decide(
      claims,
      claims.approver,
      claims.action === 'edit'
        ? { action: 'edit', input }
        : { action: claims.action, ...(comment !== '' ? { comment } : {}) },
      'link',
    );
    if (outcome.kind !== 'decided') {
      const again = await this.state(claims);
      return again.ok
        ? {
            status: 409,
            view: { title: 'Nothing changed', lines: ['The checkpoint could not be decided now.'] },
          }
        : again.answer;
    }
    return {
      status: 200,
      view: {
        title: `Recorded: ${DONE[claims.action]}`,
        lines: [
          `You ${DONE[claims.action]} the checkpoint "${claims.stepId}" of ${state.checkpoint.workflow} (run ${claims.runId}).`,
          'You can close this page.',
        ],
      },
    };
  }

  private read(
    token: string,
  ): { ok: true; id: string; claims: ApprovalLinkClaims } | { ok: false; answer: LinkAnswer } {
    if (this.key === undefined)
      return {
        ok: false,
        answer: {
          status: 404,
          view: {
            title: 'Approval links are off',
            lines: [
              'This server has no key for approval links (CHAINMAIL_APPROVAL_LINK_KEY or a master key); reply to the mail instead.',
            ],
          },
        },
      };
    const read = readApprovalLink(token, this.key, this.now());
    if (!read.ok) {
      const expired = read.reason.includes('expired');
      return {
        ok: false,
        answer: {
          status: expired ? 410 : 404,
          view: {
            title: expired ? 'This link expired' : 'Not an approval link',
            lines: [read.reason, 'Nothing changed.'],
          },
        },
      };
    }
    return { ok: true, id: read.id, claims: read.claims };
  }

  /** The checkpoint the link decides, while it waits for this visit and the link's approver may decide. */
  private async state(
    claims: ApprovalLinkClaims,
  ): Promise<{ ok: true; checkpoint: CheckpointState } | { ok: false; answer: LinkAnswer }> {
    const checkpoint = await this.decisions.checkpoint(claims);
    if (checkpoint === null)
      return {
        ok: false,
        answer: {
          status: 404,
          view: {
            title: 'No such checkpoint',
            lines: [`Run ${claims.runId} has no checkpoint "${claims.stepId}".`],
          },
        },
      };
    if (!(await this.decisions.isApprover(checkpoint, claims.approver)))
      return {
        ok: false,
        answer: {
          status: 403,
          view: {
            title: 'Not an approver',
            lines: [`${claims.approver} is no longer an approver of this checkpoint; nothing changed.`],
          },
        },
      };
    if (!checkpoint.open || checkpoint.visit !== claims.visit) {
      const d = checkpoint.visit === claims.visit ? checkpoint.decision : null;
      const line =
        d !== null
          ? `It was ${DONE[d.action]} by ${d.by}${d.via !== undefined ? ` (${d.via})` : ''}${d.at !== undefined ? ` at ${d.at}` : ''}.`
          : checkpoint.visit > claims.visit
            ? 'It has been reopened since: use the links of its newest mail.'
            : 'The run no longer waits there.';
      return {
        ok: false,
        answer: { status: 409, view: { title: 'Already decided', lines: [line, 'Nothing changed.'] } },
      };
    }
    return { ok: true, checkpoint };
  }

  private async page(
    claims: ApprovalLinkClaims,
    checkpoint: CheckpointState,
    error?: string,
  ): Promise<ApprovalPageView> {
    const run = await this.reads.findRunRecord(claims.runId);
    const steps = run?.steps ?? [];
    const at = steps.findIndex((s) => s.stepId === claims.stepId);
    const before = steps
      .slice(0, at < 0 ? steps.length : at)
      .filter((s) => s.status === 'succeeded' && s.output !== null && s.output !== '');
    const last = before[before.length - 1];
    const produced = last !== undefined ? [{ stepId: last.stepId, output: last.output ?? '' }] : [];
    return {
      title: `Checkpoint "${claims.stepId}" waits for you`,
      lines: [],
      checkpoint: {
        workflow: checkpoint.workflow,
        runId: claims.runId,
        step: claims.stepId,
        message: checkpoint.message ?? '',
        approver: claims.approver,
        deadline: checkpoint.deadline,
        produced,
      },
      form: {
        action: claims.action,
        outcome: checkpoint.actions?.[claims.action] ?? claims.action,
        ...(claims.action === 'edit' ? { input: last?.output ?? '' } : {}),
        ...(error !== undefined ? { error } : {}),
      },
    };
  }
}
