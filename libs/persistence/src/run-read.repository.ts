import type { RunDetail, RunError, RunSummary } from '@chainmail/contracts';
import type { DataSource, Repository } from 'typeorm';
import { RunView } from './entities/run-view.entity';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import type { RunEnd, StepDecision } from './run-projection';
import { RunDetailReader } from './run-read.detail';
import {
  RUN_VIEW_STATUSES,
  type AgentMailRecord,
  type CheckpointState,
  type RunRecord,
  type RunListPage,
  type RunListQuery,
  type RunStatusCounts,
} from './run-read.model';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** Queries of the run read models, as the REST edge needs them. Read-only. */
export class RunReadRepository {
  private readonly runs: Repository<RunView>;
  private readonly details: RunDetailReader;

  constructor(dataSource: DataSource) {
    this.runs = dataSource.getRepository(RunView);
    this.details = new RunDetailReader(dataSource);
  }

  /** The run with its steps in order of first appearance, or null if the view has not seen it. */
  findRun(id: string): Promise<RunDetail | null> {
    return this.details.detail(id);
  }

  /** `findRun` with what only readers inside Chainmail need (templates, notifications). */
  findRunRecord(id: string): Promise<RunRecord | null> {
    return this.details.record(id);
  }

  /** The run's end as the view has it: null while it runs, or before the view has it. */
  async runEnd(id: string): Promise<RunEnd | null> {
    const rows = (await this.runs.query('SELECT status, output, error, duration_ms FROM runs WHERE id = $1', [
      id,
    ])) as Array<{
      status: string;
      output: string | null;
      error: RunError | null;
      duration_ms: string | null;
    }>;
    const row = rows[0];
    if (row === undefined) return null;
    const durationMs = Number(row.duration_ms ?? 0);
    if (row.status === 'succeeded') return { status: 'succeeded', output: row.output ?? '', durationMs };
    if ((row.status === 'failed' || row.status === 'cancelled') && row.error !== null)
      return { status: row.status, error: row.error, durationMs };
    return null;
  }

  /** Stream sequence of the newest commit of the run in the view (0 when it has none). */
  async runSequence(id: string): Promise<number> {
    const rows = (await this.runs.query('SELECT last_seq FROM runs WHERE id = $1', [id])) as Array<{
      last_seq: string;
    }>;
    return rows.length === 0 ? 0 : Number(rows[0].last_seq);
  }

  /** The step's checkpoint as the view has it, or null when the view has no such step. */
  async checkpoint(runId: string, stepId: string): Promise<CheckpointState | null> {
    const rows = (await this.runs.query(
      `SELECT r.owner, r.workflow, s.visit, s.checkpoint_message, s.checkpoint_actions, s.checkpoint_approvers,
              s.checkpoint_deadline, s.decision,
              (r.status IN ('running', 'waiting', 'paused') AND s.status IN ('running', 'waiting')
               AND s.checkpoint_message IS NOT NULL AND s.decision IS NULL) AS open
       FROM runs AS r JOIN run_steps AS s ON s.run_id = r.id
       WHERE r.id = $1 AND s.step_id = $2`,
      [runId, stepId],
    )) as Array<{
      owner: string;
      workflow: string;
      visit: number;
      open: boolean;
      checkpoint_message: string | null;
      checkpoint_actions: Record<string, string> | null;
      checkpoint_approvers: string[] | null;
      checkpoint_deadline: Date | null;
      decision: StepDecision | null;
    }>;
    const row = rows[0];
    if (!row) return null;
    return {
      runId,
      owner: row.owner,
      workflow: row.workflow,
      stepId,
      visit: row.visit,
      open: row.open,
      message: row.checkpoint_message,
      actions: row.checkpoint_actions,
      approvers: row.checkpoint_approvers,
      deadline: iso(row.checkpoint_deadline),
      decision: row.decision,
    };
  }

  /** The attempt's agent mail and whether it still waits; null when the view has not seen the run. */
  async agentMail(
    runId: string,
    stepId: string,
    visit: number,
    attempt: number,
  ): Promise<AgentMailRecord | null> {
    const rows = (await this.runs.query(
      `SELECT r.workflow, m.message_id, m.agent, m.to_address, m.reply_message_id,
              (r.status IN ('running', 'waiting', 'paused') AND s.status = 'running' AND s.visit = $3 AND s.attempts = $4
               AND NOT COALESCE(m.replied, false)) AS waiting
       FROM runs AS r
       LEFT JOIN run_steps AS s ON s.run_id = r.id AND s.step_id = $2
       LEFT JOIN run_agent_mails AS m ON m.run_id = r.id AND m.step_id = $2 AND m.visit = $3 AND m.attempt = $4
       WHERE r.id = $1`,
      [runId, stepId, visit, attempt],
    )) as Array<{
      workflow: string;
      message_id: string | null;
      agent: string | null;
      to_address: string | null;
      reply_message_id: string | null;
      waiting: boolean | null;
    }>;
    const row = rows[0];
    if (!row) return null;
    return {
      workflow: row.workflow,
      messageId: row.message_id,
      agent: row.agent,
      to: row.to_address,
      replyMessageId: row.reply_message_id,
      waiting: row.waiting === true,
    };
  }

  /** Newest first, keyset-paginated by (started_at, id). */
  async listRuns(query: RunListQuery = {}): Promise<RunListPage> {
    const limit = clampLimit(query.limit);
    const qb = this.runs.createQueryBuilder('r');
    if (query.owners !== undefined) qb.andWhere('r.owner = ANY(:owners)', { owners: query.owners });
    if (query.workflow !== undefined) qb.andWhere('r.workflow = :workflow', { workflow: query.workflow });
    if (query.status !== undefined) qb.andWhere('r.status = :status', { status: query.status });
    if (query.since !== undefined) qb.andWhere('r.started_at >= :since', { since: query.since });
    if (query.before !== undefined) {
      const cursor = decodeListCursor(query.before);
      qb.andWhere('(r.started_at, r.id) < (:cursorAt, :cursorId)', {
        cursorAt: cursor.startedAt,
        cursorId: cursor.id,
      });
    }
    const rows = await qb
      .orderBy('r.started_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      runs: page.map(toSummary),
      nextCursor:
        rows.length > limit && last ? encodeListCursor({ startedAt: last.startedAt, id: last.id }) : null,
    };
  }

  /** Run counts per status (every status present, zero when none), optionally for one workflow and some owners. */
  async countByStatus(workflow?: string, owners?: string[]): Promise<RunStatusCounts> {
    const qb = this.runs.createQueryBuilder('r').select('r.status', 'status').addSelect('count(*)', 'count');
    if (workflow !== undefined) qb.andWhere('r.workflow = :workflow', { workflow });
    if (owners !== undefined) qb.andWhere('r.owner = ANY(:owners)', { owners });
    const rows = await qb.groupBy('r.status').getRawMany<{ status: string; count: string }>();
    const counts = Object.fromEntries(RUN_VIEW_STATUSES.map((s) => [s, 0])) as RunStatusCounts;
    for (const row of rows) {
      if (row.status in counts) counts[row.status as keyof RunStatusCounts] = Number(row.count);
    }
    return counts;
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function toSummary(run: RunView): RunSummary {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    owner: run.owner,
    actor: run.actor,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    endedAt: iso(run.endedAt),
    durationMs: run.durationMs,
    error: run.error,
    stepsTotal: run.stepsTotal,
    stepsSucceeded: run.stepsSucceeded,
    lastSeq: run.lastSeq,
  };
}
