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
import { ADVANCE_CHECKPOINT, PROJECT_RUN_BATCH, TRUNCATE_READ_MODELS } from './run-projection.sql';

export { RUN_PROJECTION_CHECKPOINT };

const MAX_TRIES = 4;

/**
 * Writes projection batches: one transaction per batch, idempotent and order-insensitive, so
 * redelivered or reordered commits never move a row backwards. A batch of any size is one call of
 * `project_run_batch` with bound parameters (see `run-projection.sql.ts`): one round trip, and
 * nothing for Postgres to parse or plan but the call itself.
 */
export class RunProjectionWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpointName: string = RUN_PROJECTION_CHECKPOINT,
  ) {}

  async write(batch: ProjectionBatch): Promise<void> {
    if (batch.runs.length === 0 && batch.lastSeq === 0) return;
    const params = this.params(batch);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.query(PROJECT_RUN_BATCH, params);
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

  /** The parameters of `PROJECT_RUN_BATCH` for the batch. */
  private params(batch: ProjectionBatch): Array<string | number | string[] | null> {
    const withSteps = new Set(batch.steps.map((s) => s.runId));
    return [
      batch.runs.map((r) => r.id),
      JSON.stringify(batch.runs.map((r) => runRow(r, withSteps.has(r.id)))),
      jsonArrayOrNull(batch.steps.map(stepRow)),
      jsonArrayOrNull(batch.mails.map(mailRow)),
      jsonArrayOrNull(batch.attempts.map(attemptRow)),
      jsonArrayOrNull(batch.checkpoints.map(checkpointWaitRow)),
      this.checkpointName,
      batch.lastSeq,
      eventCountName(this.checkpointName),
      batch.events,
    ];
  }
}

/** Rows as a JSON array, or null when there are none (the function then skips their table). */
function jsonArrayOrNull(rows: Array<Record<string, unknown>>): string | null {
  return rows.length === 0 ? null : JSON.stringify(rows);
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
