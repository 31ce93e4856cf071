import type { PendingApproval } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';

export interface PendingApprovalQuery {
  /** Only runs of these owners (those the caller may decide for). */
  owners: string[];
  workflow?: string;
  limit: number;
}

/**
 * The open checkpoints of waiting runs, oldest wait first: a step that waits with a checkpoint
 * message and no decision, with the output it waits on (as an approval link's page shows it).
 */
export class ApprovalReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  async pending(query: PendingApprovalQuery): Promise<PendingApproval[]> {
    const rows = (await this.dataSource.query(
      `SELECT r.id, r.workflow, r.version, r.owner, s.step_id, s.visit, s.checkpoint_message,
              s.checkpoint_actions, s.checkpoint_approvers, s.checkpoint_deadline, s.started_at,
              d.step_id AS draft_step, d.output AS draft_output
       FROM runs AS r
       JOIN run_steps AS s ON s.run_id = r.id
       LEFT JOIN LATERAL (
         SELECT p.step_id, p.output FROM run_steps AS p
         WHERE p.run_id = r.id AND p.position < s.position AND p.status = 'succeeded'
           AND p.output IS NOT NULL AND p.output <> ''
         ORDER BY p.position DESC LIMIT 1
       ) AS d ON true
       WHERE r.status = 'waiting' AND r.owner = ANY($1)
         AND ($2::text IS NULL OR r.workflow = $2)
         AND s.status = 'waiting' AND s.checkpoint_message IS NOT NULL AND s.decision IS NULL
       ORDER BY s.started_at ASC NULLS LAST, r.id, s.step_id
       LIMIT $3`,
      [query.owners, query.workflow ?? null, query.limit],
    )) as Row[];
    return rows.map(toPending);
  }
}

interface Row {
  id: string;
  workflow: string;
  version: number;
  owner: string;
  step_id: string;
  visit: number;
  checkpoint_message: string;
  checkpoint_actions: Record<string, string> | null;
  checkpoint_approvers: string[] | null;
  checkpoint_deadline: Date | null;
  started_at: Date | null;
  draft_step: string | null;
  draft_output: string | null;
}

function toPending(row: Row): PendingApproval {
  return {
    runId: row.id,
    workflow: row.workflow,
    version: Number(row.version),
    owner: row.owner,
    step: row.step_id,
    visit: Number(row.visit),
    message: row.checkpoint_message,
    actions: row.checkpoint_actions,
    approvers: row.checkpoint_approvers,
    deadline: row.checkpoint_deadline?.toISOString() ?? null,
    openedAt: row.started_at?.toISOString() ?? null,
    draft:
      row.draft_step !== null && row.draft_output !== null
        ? { step: row.draft_step, output: row.draft_output }
        : null,
  };
}
