import { inRetryingTransaction, pgCode, RETRYABLE_PG_CODES } from './retrying-transaction';
import type { DataSource } from 'typeorm';
import { eventCountName, replayTargetName, RUN_PROJECTION_CHECKPOINT } from './run-projection.checkpoints';
import type {
  AgentMailPatch,
  CheckpointWaitFact,
  ProjectionBatch,
  RunPatch,
  StepAttemptFact,
  StepPatch,
} from './run-projection';
import {
  ADVANCE_CHECKPOINT,
  ADVANCE_CHECKPOINT_COUNTING,
  LOCK_RUNS,
  TRUNCATE_READ_MODELS,
  UPSERT_AGENT_MAILS,
  UPSERT_CHECKPOINT_WAITS,
  UPSERT_RUNS,
  UPSERT_STEP_ATTEMPTS,
  UPSERT_STEPS,
} from './run-projection.sql';

export { RUN_PROJECTION_CHECKPOINT };

const MAX_TRIES = 4;
/** Up to this many runs a batch goes as one simple query (the live path); past it, in a transaction. */
const INLINED_RUNS_MAX = 32;

/**
 * Writes projection batches: one transaction per batch, idempotent and order-insensitive, so
 * redelivered or reordered commits never move a row backwards (see `run-projection.sql.ts`).
 * A live batch's statements (lock, steps, runs, mails, analytics facts, checkpoint) go to Postgres
 * as one simple query, which it runs as one implicit transaction: one round trip instead of seven.
 * A large batch (a replay, a backlog) goes statement by statement with bound parameters.
 */
export class RunProjectionWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpointName: string = RUN_PROJECTION_CHECKPOINT,
  ) {}

  async write(batch: ProjectionBatch): Promise<void> {
    if (batch.runs.length === 0 && batch.lastSeq === 0) return;
    const statements = this.statements(batch);
    if (batch.runs.length > INLINED_RUNS_MAX) {
      // A replay's batch: megabytes of JSON go as bound parameters, which Postgres takes as they
      // are, rather than as literals it must unescape; the round trips do not matter at that size.
      await inRetryingTransaction(this.dataSource, async (runner) => {
        for (const [sql, params] of statements) await runner.query(sql, params);
      });
      return;
    }
    const script = statements.map(([sql, params]) => inline(sql, params)).join(';\n');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.query(script);
        return;
      } catch (error) {
        // Replicas writing the same rows at once: the whole batch, tried again, can succeed.
        if (attempt >= MAX_TRIES || !RETRYABLE_PG_CODES.has(pgCode(error))) throw error;
      }
    }
  }

  /**
   * Empties the read models and their checkpoint, in one transaction, ready for a replay from 1.
   * With `replayTargetSeq`, records that the replay is done once the checkpoint reaches it (see
   * `RunProjectionProgress`).
   */
  async truncate(replayTargetSeq?: number): Promise<void> {
    await inRetryingTransaction(this.dataSource, async (runner) => {
      await runner.query(TRUNCATE_READ_MODELS);
      if (replayTargetSeq !== undefined) {
        await runner.query(ADVANCE_CHECKPOINT, [replayTargetName(this.checkpointName), replayTargetSeq]);
      }
    });
  }

  /** The highest stream sequence whose effects are committed (0 before the first batch). */
  async checkpoint(): Promise<number> {
    const rows = (await this.dataSource.query('SELECT last_seq FROM projection_checkpoints WHERE name = $1', [
      this.checkpointName,
    ])) as Array<{ last_seq: string }>;
    return rows.length === 0 ? 0 : Number(rows[0].last_seq);
  }

  /** The batch's statements in order, each with its parameters. */
  private statements(batch: ProjectionBatch): Array<[string, Param[]]> {
    const statements: Array<[string, Param[]]> = [];
    if (batch.runs.length > 0) {
      const runIds = batch.runs.map((r) => r.id);
      statements.push([LOCK_RUNS, [runIds]]);
      // Steps first: the run statement then recounts them while it merges the run.
      if (batch.steps.length > 0) {
        statements.push([UPSERT_STEPS, [JSON.stringify(batch.steps.map(stepRow)), runIds]]);
      }
      const withSteps = new Set(batch.steps.map((s) => s.runId));
      const runs = batch.runs.map((r) => runRow(r, withSteps.has(r.id)));
      statements.push([UPSERT_RUNS, [JSON.stringify(runs), runIds]]);
      if (batch.mails.length > 0) {
        statements.push([UPSERT_AGENT_MAILS, [JSON.stringify(batch.mails.map(mailRow))]]);
      }
      if (batch.attempts.length > 0) {
        statements.push([UPSERT_STEP_ATTEMPTS, [JSON.stringify(batch.attempts.map(attemptRow))]]);
      }
      if (batch.checkpoints.length > 0) {
        statements.push([
          UPSERT_CHECKPOINT_WAITS,
          [JSON.stringify(batch.checkpoints.map(checkpointWaitRow))],
        ]);
      }
    }
    // Last, so that the hot rows are held for the shortest time.
    if (batch.lastSeq > 0) {
      statements.push([
        ADVANCE_CHECKPOINT_COUNTING,
        [this.checkpointName, batch.lastSeq, eventCountName(this.checkpointName), batch.events],
      ]);
    }
    return statements;
  }
}

type Param = string | number | string[];

/**
 * `sql` with its `$n` placeholders replaced by the parameters as SQL literals (strings escaped as
 * pg's own `escapeLiteral` does, arrays as `ARRAY[…]`), for a query sent without bound parameters.
 * The statements here hold no `$` but their placeholders.
 */
export function inline(sql: string, params: Param[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === undefined) throw new Error(`no parameter $${n} for the statement`);
    if (Array.isArray(value)) return `ARRAY[${value.map((v) => quoteLiteral(v)).join(',')}]`;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new Error(`parameter $${n} is not an integer: ${value}`);
      return String(value);
    }
    return quoteLiteral(value);
  });
}

/**
 * A string as a SQL literal, exactly as pg's `escapeLiteral` writes it (`'` doubled; with a
 * backslash, an `E'…'` literal with backslashes doubled), but by native replaces: pg's
 * character-by-character concatenation turns a replay's multi-megabyte batch into garbage that
 * took two thirds of the rebuild's CPU.
 */
export function quoteLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

function runRow(patch: RunPatch, hasSteps: boolean): Record<string, unknown> {
  const s = patch.started;
  return {
    id: patch.id,
    last_seq: patch.lastSeq,
    first_at: patch.firstAt,
    started: s !== undefined,
    workflow: s?.workflow,
    version: s?.version,
    owner: s?.owner,
    actor: s?.actor,
    trigger: s?.trigger,
    inputs: s?.inputs,
    debug: s?.debug,
    started_at: s?.startedAt,
    parent_run_id: s?.parentRunId,
    vars: s?.vars,
    forked_from: s?.forkedFrom,
    trace_id: s?.traceId,
    status: patch.status,
    paused_at: patch.pausedAt,
    reopened: patch.reopened === true,
    output: patch.output,
    error: patch.error,
    ended_at: patch.endedAt,
    duration_ms: patch.durationMs,
    has_steps: hasSteps,
  };
}

function stepRow(patch: StepPatch): Record<string, unknown> {
  return {
    run_id: patch.runId,
    step_id: patch.stepId,
    last_seq: patch.lastSeq,
    position: patch.position,
    visit: patch.visit,
    attempts: patch.attempts,
    status: patch.status,
    agent: patch.agent,
    input: patch.input,
    output: patch.output,
    error: patch.error,
    usage: patch.usage,
    skip_reason: patch.skipReason,
    started_at: patch.startedAt,
    ended_at: patch.endedAt,
    duration_ms: patch.durationMs,
    kind: patch.kind,
    items: patch.items,
    checkpoint_message: patch.checkpointMessage,
    decision: patch.decision,
    attempt_errors: patch.attemptErrors,
    checkpoint_approvers: patch.checkpointApprovers,
    checkpoint_actions: patch.checkpointActions,
    checkpoint_deadline: patch.checkpointDeadline,
  };
}

function mailRow(patch: AgentMailPatch): Record<string, unknown> {
  return {
    run_id: patch.runId,
    step_id: patch.stepId,
    visit: patch.visit,
    attempt: patch.attempt,
    last_seq: patch.lastSeq,
    message_id: patch.messageId,
    agent: patch.agent,
    to_address: patch.to,
    replied: patch.replied,
    reply_message_id: patch.replyMessageId,
  };
}

function attemptRow(fact: StepAttemptFact): Record<string, unknown> {
  return {
    run_id: fact.runId,
    step_id: fact.stepId,
    visit: fact.visit,
    attempt: fact.attempt,
    last_seq: fact.lastSeq,
    status: fact.status,
    agent: fact.agent,
    kind: fact.kind,
    started_at: fact.startedAt,
    ended_at: fact.endedAt,
    duration_ms: fact.durationMs,
    error_code: fact.errorCode,
    prompt_tokens: fact.promptTokens,
    completion_tokens: fact.completionTokens,
    cost_usd: fact.costUsd,
  };
}

function checkpointWaitRow(fact: CheckpointWaitFact): Record<string, unknown> {
  return {
    run_id: fact.runId,
    step_id: fact.stepId,
    visit: fact.visit,
    last_seq: fact.lastSeq,
    opened_at: fact.openedAt,
    resolved_at: fact.resolvedAt,
    action: fact.action,
  };
}
