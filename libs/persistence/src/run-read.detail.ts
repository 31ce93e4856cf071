import type { AttemptError, OpenCheckpoint, RunDetail, StepDetail } from '@chainmail/contracts';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { StepDecision } from './run-projection';
import { failureOf } from './run-failure';
import type { RunRecord, StepRecord } from './run-read.model';

/*
 * A run in detail is read often (clients poll it while it runs): one statement, prepared once per
 * connection, in which Postgres builds the run and its ordered steps as one JSON value. No entity
 * is hydrated; pg parses the JSON. Times come formatted as `Date.prototype.toISOString` writes
 * them (milliseconds, truncated like pg's own parsing of timestamps), bigints as JSON numbers.
 */

/** A `timestamptz` column as `toISOString` writes it; null stays null. */
const isoOf = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The run's fields that the REST view shows, in its order, as JSON key → SQL expression. */
const RUN_FIELDS = {
  id: 'r.id',
  workflow: 'r.workflow',
  version: 'r.version',
  status: 'r.status',
  owner: 'r.owner',
  actor: 'r.actor',
  trigger: 'r.trigger',
  startedAt: isoOf('r.started_at'),
  endedAt: isoOf('r.ended_at'),
  durationMs: 'r.duration_ms',
  error: 'r.error',
  stepsTotal: 'r.steps_total',
  stepsSucceeded: 'r.steps_succeeded',
  lastSeq: 'r.last_seq',
  inputs: 'r.inputs',
  debug: 'r.debug',
  output: 'r.output',
  pausedAt: 'r.paused_at',
  forkedFrom: 'r.forked_from',
  traceId: 'r.trace_id',
};

/** What only readers inside Chainmail see of the run. */
const RUN_RECORD_FIELDS = { ...RUN_FIELDS, parentRunId: 'r.parent_run_id', vars: 'r.vars' };

/** A step's fields for the REST view, and those its failure and open checkpoint are derived from. */
const STEP_FIELDS = {
  stepId: 's.step_id',
  status: 's.status',
  agent: 's.agent',
  visit: 's.visit',
  attempts: 's.attempts',
  input: 's.input',
  output: 's.output',
  error: 's.error',
  usage: 's.usage',
  skipReason: 's.skip_reason',
  startedAt: isoOf('s.started_at'),
  endedAt: isoOf('s.ended_at'),
  durationMs: 's.duration_ms',
  decision: 's.decision',
  attemptErrors: 's.attempt_errors',
  checkpointMessage: 's.checkpoint_message',
  checkpointActions: 's.checkpoint_actions',
  checkpointApprovers: 's.checkpoint_approvers',
  checkpointDeadline: isoOf('s.checkpoint_deadline'),
};

const STEP_RECORD_FIELDS = { ...STEP_FIELDS, kind: 's.kind', items: 's.items' };

const jsonObject = (fields: Record<string, string>): string =>
  `json_build_object(${Object.entries(fields)
    .map(([key, sql]) => `'${key}', ${sql}`)
    .join(', ')})`;

/** The run as one JSON value with its steps in order of first appearance; no row when the views lack it. */
function runStatement(name: string, run: Record<string, string>, step: Record<string, string>): Statement {
  const steps = `COALESCE((SELECT json_agg(${jsonObject(step)} ORDER BY s.position, s.step_id)
    FROM run_steps AS s WHERE s.run_id = r.id), '[]'::json)`;
  return {
    name,
    text: `SELECT ${jsonObject({ ...run, steps })} AS run FROM runs AS r WHERE r.id = $1`,
  };
}

interface Statement {
  /** Prepared under this name on each connection that runs it. */
  name: string;
  text: string;
}

const RUN_DETAIL = runStatement('run-detail', RUN_FIELDS, STEP_FIELDS);
const RUN_RECORD = runStatement('run-record', RUN_RECORD_FIELDS, STEP_RECORD_FIELDS);

/** A step as the statement returns it: what the API shows but its position (the order of the list), and more. */
interface StepRow extends Omit<StepDetail, 'position'> {
  decision: StepDecision | null;
  attemptErrors: AttemptError[] | null;
  checkpointMessage: string | null;
  checkpointActions: Record<string, string> | null;
  checkpointApprovers: string[] | null;
  checkpointDeadline: string | null;
}

interface StepRecordRow extends StepRow {
  kind: string | null;
  items: unknown[] | null;
}

/** The run as the statement returns it. */
interface RunRow<Step extends StepRow = StepRow> extends Omit<RunDetail, 'failure' | 'checkpoint' | 'steps'> {
  steps: Step[];
}

interface RunRecordRow extends RunRow<StepRecordRow> {
  parentRunId: string | null;
  vars: Record<string, unknown> | null;
}

/** Reads one run with its steps in a single round trip, for `RunReadRepository`. */
export class RunDetailReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The run as the REST edge shows it, or null when the views do not hold it. */
  async detail(id: string): Promise<RunDetail | null> {
    const row = await this.read<RunRow>(RUN_DETAIL, id);
    return row && { ...detailOf(row), steps: row.steps.map(stepDetailOf) };
  }

  /** The run with what only readers inside Chainmail need, or null when the views do not hold it. */
  async record(id: string): Promise<RunRecord | null> {
    const row = await this.read<RunRecordRow>(RUN_RECORD, id);
    if (row === null) return null;
    const { parentRunId, vars, ...run } = row;
    return { ...detailOf(run), parentRunId, vars, steps: row.steps.map(stepRecordOf) };
  }

  /**
   * Runs the statement on a connection of the DataSource's pool. TypeORM's own `query` sends
   * unnamed statements only; the connection it lends takes pg's named (prepared) ones.
   */
  private async read<Row>(statement: Statement, id: string): Promise<Row | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const result = await client.query<{ run: Row }>({ ...statement, values: [id] });
      return result.rows[0]?.run ?? null;
    } finally {
      await runner.release();
    }
  }
}

/**
 * What both the API's view and the internal record show of the run itself: the statement's run
 * fields as it built them (`RUN_FIELDS` is their one list), and what is derived from the steps.
 */
function detailOf(run: RunRow): Omit<RunDetail, 'steps'> {
  const { steps, ...fields } = run;
  return {
    ...fields,
    pausedAt: run.status === 'paused' ? run.pausedAt : null,
    failure: failureOf(run.status, run.error, steps),
    checkpoint: run.status === 'waiting' ? openCheckpoint(steps) : null,
  };
}

/** The first step that waits at an open checkpoint, as the run view shows it. */
function openCheckpoint(steps: readonly StepRow[]): OpenCheckpoint | null {
  const step = steps.find(
    (s) => s.status === 'waiting' && s.checkpointMessage !== null && s.decision === null,
  );
  if (step === undefined) return null;
  return {
    step: step.stepId,
    visit: step.visit,
    message: step.checkpointMessage ?? '',
    actions: step.checkpointActions,
    deadline: step.checkpointDeadline,
    approvers: step.checkpointApprovers,
    openedAt: step.startedAt,
  };
}

function stepDetailOf(step: StepRow, index: number): StepDetail {
  return {
    stepId: step.stepId,
    status: step.status,
    agent: step.agent,
    visit: step.visit,
    attempts: step.attempts,
    input: step.input,
    output: step.output,
    error: step.error,
    usage: step.usage,
    skipReason: step.skipReason,
    startedAt: step.startedAt,
    endedAt: step.endedAt,
    durationMs: step.durationMs,
    position: index,
  };
}

function stepRecordOf(step: StepRecordRow, index: number): StepRecord {
  return { ...stepDetailOf(step, index), kind: step.kind, items: step.items, decision: step.decision };
}
