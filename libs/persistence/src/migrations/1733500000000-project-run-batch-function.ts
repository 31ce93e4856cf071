import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The projector's write of one batch as one function, `project_run_batch`: its statements are
 * parsed and planned once per connection (PL/pgSQL caches their plans) instead of once per batch,
 * and a batch costs one statement and one round trip whatever its size. The SQL below is this
 * migration's own copy: a later change to it is a new migration that replaces the function.
 *
 * Patches travel as one jsonb array per table (no parameter limit). Each table gets one statement:
 * an UPDATE merges the patches of existing rows, then the same statement inserts the rest. A plain
 * UPDATE — unlike `ON CONFLICT DO UPDATE`, which only sees the proposed row — can tell what a patch
 * does not know (NULL) from what it clears. This is safe without ON CONFLICT because every writer
 * of a run first takes that run's lock.
 *
 * Parameters: $1 the batch's run ids (text[]); $2 run patches, $3 step patches, $4 mails,
 * $5 step attempt facts, $6 checkpoint wait facts (jsonb arrays; NULL: none); $7 the checkpoint's
 * name, $8 the batch's last stream sequence (0: no checkpoint to advance); $9 the event counter's
 * name, $10 the batch's events.
 */

/**
 * Writers of the same run take turns: transaction-scoped advisory locks on a hash of the run id,
 * taken in one order so that concurrent projector replicas cannot deadlock. Hashing into a fixed
 * number of buckets bounds the locks one batch holds, whatever its size.
 */
const RUN_LOCK_SPACE = 0x72756e73; // 'runs'
const RUN_LOCK_BUCKETS = 1024; // a power of two: the bucket is a bit mask of the hash
const LOCK_RUNS = `
  PERFORM pg_advisory_xact_lock(${RUN_LOCK_SPACE}, b)
  FROM (SELECT DISTINCT hashtext(id) & ${RUN_LOCK_BUCKETS - 1} AS b FROM unnest($1::text[]) AS id) AS buckets
  ORDER BY b`;

const RUN_RECORD = `p(
  id text, last_seq bigint, first_at timestamptz, started boolean,
  workflow text, version integer, owner text, actor text, trigger jsonb, inputs jsonb, debug boolean,
  started_at timestamptz, status text, output text, error jsonb, ended_at timestamptz, duration_ms bigint,
  has_steps boolean, parent_run_id text, vars jsonb, paused_at jsonb, reopened boolean, forked_from jsonb,
  trace_id text)`;

/**
 * Counters are recounted from the steps (written by the previous statement of the transaction),
 * never incremented, so replays cannot inflate them. Only for runs whose steps the batch touched.
 */
const STEP_COUNTS = `LEFT JOIN LATERAL (
      SELECT count(*)::integer AS total, (count(*) FILTER (WHERE s.status = 'succeeded'))::integer AS succeeded,
             (count(*) FILTER (WHERE s.status = 'waiting'))::integer AS waiting
      FROM run_steps AS s WHERE s.run_id = p.id
    ) AS c ON p.has_steps`;

/**
 * A run that runs is `waiting` while any of its steps waits at a checkpoint, `running` otherwise:
 * read from its steps as this transaction wrote them (when the batch touched them), so a run with
 * two checkpoints open stays waiting until both are decided, whatever order the patches come in.
 * An ended run keeps its end.
 */
const waitingFromSteps = (status: string): string =>
  `CASE WHEN c.waiting IS NOT NULL AND (${status}) IN ('running', 'waiting')
        THEN CASE WHEN c.waiting > 0 THEN 'waiting' ELSE 'running' END
        ELSE (${status}) END`;

/** RunStarted facts are immutable: whenever a patch has them, they are the truth. */
const startedFact = (column: string): string =>
  `${column} = CASE WHEN p.started THEN p.${column} ELSE t.${column} END`;
/** Newer patches win where they know something; older ones only fill gaps. */
const latestFact = (column: string): string =>
  `${column} = CASE WHEN p.last_seq > t.last_seq THEN COALESCE(p.${column}, t.${column}) ELSE COALESCE(t.${column}, p.${column}) END`;
/** An end fact: a newer patch that rewound the run clears it (or sets the newer end it holds). */
const endFact = (column: string): string =>
  `${column} = CASE WHEN p.last_seq > t.last_seq AND p.reopened THEN p.${column} ELSE ${latestFact(column).slice(column.length + 3)} END`;

const UPSERT_RUNS = `
  WITH p AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($2::jsonb) AS ${RUN_RECORD}),
  updated AS (
    UPDATE runs AS t SET
      ${['workflow', 'version', 'owner', 'actor', 'trigger', 'inputs', 'debug', 'started_at', 'parent_run_id', 'vars', 'forked_from', 'trace_id'].map(startedFact).join(',\n      ')},
      trigger_kind = CASE WHEN p.started THEN p.trigger->>'kind' ELSE t.trigger_kind END,
      status = ${waitingFromSteps('CASE WHEN p.last_seq > t.last_seq THEN COALESCE(p.status, t.status) ELSE t.status END')},
      -- Where a paused run waits: whatever the newest status says (cleared when it is not paused).
      paused_at = CASE WHEN p.last_seq > t.last_seq AND p.status IS NOT NULL THEN p.paused_at ELSE t.paused_at END,
      ${['output', 'error', 'ended_at', 'duration_ms'].map(endFact).join(',\n      ')},
      steps_total = COALESCE(c.total, t.steps_total),
      steps_succeeded = COALESCE(c.succeeded, t.steps_succeeded),
      last_seq = GREATEST(t.last_seq, p.last_seq)
    FROM p ${STEP_COUNTS}
    -- The ids again as an array ($1): the planner cannot see how few rows p holds and would hash
    -- join against a scan of every run; with the array it probes the primary key.
    WHERE t.id = p.id AND t.id = ANY($1::text[])
    RETURNING t.id
  )
  -- A run first seen through a later commit gets stand-in facts until its RunStarted arrives.
  INSERT INTO runs (id, workflow, version, status, owner, actor, trigger_kind, trigger, inputs, debug,
                    output, error, started_at, ended_at, duration_ms, steps_total, steps_succeeded, last_seq,
                    parent_run_id, vars, paused_at, forked_from, trace_id)
  SELECT p.id, COALESCE(p.workflow, ''), COALESCE(p.version, 0), ${waitingFromSteps("COALESCE(p.status, 'running')")},
         COALESCE(p.owner, ''), COALESCE(p.actor, ''), COALESCE(p.trigger->>'kind', 'api'),
         COALESCE(p.trigger, '{"kind":"api"}'), COALESCE(p.inputs, '{}'), COALESCE(p.debug, false),
         p.output, p.error, COALESCE(p.started_at, p.first_at), p.ended_at, p.duration_ms,
         COALESCE(c.total, 0), COALESCE(c.succeeded, 0), p.last_seq, p.parent_run_id, p.vars, p.paused_at,
         p.forked_from, p.trace_id
  FROM p ${STEP_COUNTS}
  WHERE p.id NOT IN (SELECT id FROM updated)
  ORDER BY p.id`;

const STEP_RECORD = `p(
  run_id text, step_id text, last_seq bigint, position bigint, visit integer, attempts integer,
  status text, agent text, input text, output text, error jsonb, usage jsonb, skip_reason text,
  started_at timestamptz, ended_at timestamptz, duration_ms bigint,
  kind text, items jsonb, checkpoint_message text, decision jsonb, attempt_errors jsonb,
  checkpoint_approvers jsonb, checkpoint_actions jsonb, checkpoint_deadline timestamptz)`;

/** Fields of one (visit, attempt) of a step. */
const ATTEMPT_FIELDS = [
  'agent',
  'input',
  'output',
  'error',
  'usage',
  'skip_reason',
  'started_at',
  'ended_at',
  'duration_ms',
  'kind',
  'items',
  'checkpoint_message',
  'decision',
  'checkpoint_approvers',
  'checkpoint_actions',
  'checkpoint_deadline',
];

/**
 * The patch is of a later (visit, attempt) than the row: it replaces the attempt's fields. A row
 * that knows no attempt yet (written from a skip or a checkpoint event, which name none) is not
 * of an earlier attempt: it merges with whichever attempt comes.
 */
const LATER = `(p.visit > t.visit OR (p.visit = t.visit AND t.attempts > 0 AND COALESCE(p.attempts, 0) > t.attempts))`;
/** The patch is of the row's own attempt (one of the two names none). */
const SAME = `(p.visit = t.visit AND (p.attempts IS NULL OR t.attempts = 0 OR p.attempts = t.attempts))`;
const NEWER = `p.last_seq > t.last_seq`;

const attemptField = (column: string): string =>
  `${column} = CASE WHEN ${LATER} THEN p.${column}
        WHEN ${SAME} AND ${NEWER} THEN COALESCE(p.${column}, t.${column})
        WHEN ${SAME} THEN COALESCE(t.${column}, p.${column})
        ELSE t.${column} END`;

/** The visit's failed attempts: a later visit starts over, the same visit gathers both sides, one per attempt. */
const ATTEMPT_ERRORS = `attempt_errors = CASE WHEN p.visit > t.visit THEN p.attempt_errors
        WHEN p.visit = t.visit THEN (
          SELECT jsonb_agg(x.e ORDER BY x.n) FROM (
            SELECT DISTINCT ON ((e->>'attempt')::integer) e, (e->>'attempt')::integer AS n
            FROM jsonb_array_elements(COALESCE(t.attempt_errors, '[]'::jsonb) || COALESCE(p.attempt_errors, '[]'::jsonb)) AS e
            ORDER BY (e->>'attempt')::integer) AS x)
        ELSE t.attempt_errors END`;

// Every SET expression reads the row as it was before the UPDATE, so `visit` and `attempts` may
// be reassigned in the same statement as the fields whose rule depends on them.
const UPSERT_STEPS = `
  WITH p AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($3::jsonb) AS ${STEP_RECORD}),
  updated AS (
    UPDATE run_steps AS t SET
      status = CASE WHEN ${LATER} OR (${SAME} AND ${NEWER}) THEN p.status ELSE t.status END,
      ${ATTEMPT_FIELDS.map(attemptField).join(',\n      ')},
      ${ATTEMPT_ERRORS},
      visit = CASE WHEN ${LATER} THEN p.visit ELSE t.visit END,
      attempts = CASE WHEN ${LATER} THEN COALESCE(p.attempts, 0)
        WHEN ${SAME} THEN GREATEST(t.attempts, COALESCE(p.attempts, 0)) ELSE t.attempts END,
      position = LEAST(t.position, p.position),
      last_seq = GREATEST(t.last_seq, p.last_seq)
    FROM p
    -- The runs again as an array ($1), so the planner probes the key (see UPSERT_RUNS).
    WHERE t.run_id = p.run_id AND t.step_id = p.step_id AND t.run_id = ANY($1::text[])
    RETURNING t.run_id, t.step_id
  )
  INSERT INTO run_steps (run_id, step_id, status, visit, attempts, ${ATTEMPT_FIELDS.join(', ')}, attempt_errors,
                         position, last_seq)
  SELECT p.run_id, p.step_id, p.status, p.visit, COALESCE(p.attempts, 0),
         ${ATTEMPT_FIELDS.map((c) => `p.${c}`).join(', ')}, p.attempt_errors, p.position, p.last_seq
  FROM p
  WHERE NOT EXISTS (SELECT 1 FROM updated AS u WHERE u.run_id = p.run_id AND u.step_id = p.step_id)
  ORDER BY p.run_id, p.step_id`;

const MAIL_RECORD = `p(
  run_id text, step_id text, visit integer, attempt integer, last_seq bigint,
  message_id text, agent text, to_address text, replied boolean, reply_message_id text)`;

/** One row per mail attempt; each fact is written once, so any order of patches gives the same row. */
const UPSERT_AGENT_MAILS = `
  INSERT INTO run_agent_mails AS t (run_id, step_id, visit, attempt, last_seq, message_id, agent, to_address,
                                    replied, reply_message_id)
  SELECT p.run_id, p.step_id, p.visit, p.attempt, p.last_seq, p.message_id, p.agent, p.to_address,
         p.replied, p.reply_message_id
  FROM jsonb_to_recordset($4::jsonb) AS ${MAIL_RECORD}
  ORDER BY p.run_id, p.step_id, p.visit, p.attempt
  ON CONFLICT (run_id, step_id, visit, attempt) DO UPDATE SET
    message_id = COALESCE(t.message_id, EXCLUDED.message_id),
    agent = COALESCE(t.agent, EXCLUDED.agent),
    to_address = COALESCE(t.to_address, EXCLUDED.to_address),
    replied = t.replied OR EXCLUDED.replied,
    reply_message_id = COALESCE(t.reply_message_id, EXCLUDED.reply_message_id),
    last_seq = GREATEST(t.last_seq, EXCLUDED.last_seq)`;

const ATTEMPT_RECORD = `p(
  run_id text, step_id text, visit integer, attempt integer, last_seq bigint, status text, agent text,
  kind text, started_at timestamptz, ended_at timestamptz, duration_ms bigint, error_code text,
  prompt_tokens bigint, completion_tokens bigint, cost_usd double precision)`;

/**
 * Analytics facts of step attempts: each field comes from one event (start or end of the
 * attempt), so filling gaps with COALESCE gives the same row in any order and any number of times.
 */
const UPSERT_STEP_ATTEMPTS = `
  INSERT INTO analytics_step_attempts AS t (run_id, step_id, visit, attempt, last_seq, status, agent, kind,
      started_at, ended_at, duration_ms, error_code, prompt_tokens, completion_tokens, cost_usd)
  SELECT p.run_id, p.step_id, p.visit, p.attempt, p.last_seq, COALESCE(p.status, 'running'), p.agent, p.kind,
         p.started_at, p.ended_at, p.duration_ms, p.error_code, p.prompt_tokens, p.completion_tokens, p.cost_usd
  FROM jsonb_to_recordset($5::jsonb) AS ${ATTEMPT_RECORD}
  ORDER BY p.run_id, p.step_id, p.visit, p.attempt
  ON CONFLICT (run_id, step_id, visit, attempt) DO UPDATE SET
    status = CASE WHEN EXCLUDED.status = 'running' THEN t.status ELSE EXCLUDED.status END,
    ${[
      'agent',
      'kind',
      'started_at',
      'ended_at',
      'duration_ms',
      'error_code',
      'prompt_tokens',
      'completion_tokens',
      'cost_usd',
    ]
      .map((c) => `${c} = COALESCE(t.${c}, EXCLUDED.${c})`)
      .join(',\n    ')},
    last_seq = GREATEST(t.last_seq, EXCLUDED.last_seq)`;

const CHECKPOINT_WAIT_RECORD = `p(
  run_id text, step_id text, visit integer, last_seq bigint, opened_at timestamptz, resolved_at timestamptz,
  action text)`;

/** A checkpoint visit's wait: opened and resolved come from one event each. */
const UPSERT_CHECKPOINT_WAITS = `
  INSERT INTO analytics_checkpoint_waits AS t (run_id, step_id, visit, last_seq, opened_at, resolved_at, action)
  SELECT p.run_id, p.step_id, p.visit, p.last_seq, p.opened_at, p.resolved_at, p.action
  FROM jsonb_to_recordset($6::jsonb) AS ${CHECKPOINT_WAIT_RECORD}
  ORDER BY p.run_id, p.step_id, p.visit
  ON CONFLICT (run_id, step_id, visit) DO UPDATE SET
    opened_at = COALESCE(t.opened_at, EXCLUDED.opened_at),
    resolved_at = COALESCE(t.resolved_at, EXCLUDED.resolved_at),
    action = COALESCE(t.action, EXCLUDED.action),
    last_seq = GREATEST(t.last_seq, EXCLUDED.last_seq)`;

/**
 * The checkpoint ($7: name, $8: sequence) and, in the same statement, the count of events written
 * since the views were emptied ($9: the counter's row, whose last_seq holds the count; $10: this
 * batch's events). Rows in one order, so concurrent writers cannot deadlock on them.
 */
const ADVANCE_CHECKPOINT_COUNTING = `
  INSERT INTO projection_checkpoints AS c (name, last_seq, updated_at) VALUES ($7, $8, now()), ($9, $10, now())
  ON CONFLICT (name) DO UPDATE
  SET last_seq = CASE WHEN c.name = $9 THEN c.last_seq + EXCLUDED.last_seq ELSE GREATEST(c.last_seq, EXCLUDED.last_seq) END,
      updated_at = now()`;

const PROJECT_RUN_BATCH = `
CREATE OR REPLACE FUNCTION project_run_batch(text[], jsonb, jsonb, jsonb, jsonb, jsonb, text, bigint, text, bigint)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF cardinality($1) > 0 THEN
    ${LOCK_RUNS};
    -- Steps first: the run statement then recounts them while it merges the run.
    IF $3 IS NOT NULL THEN ${UPSERT_STEPS}; END IF;
    ${UPSERT_RUNS};
    IF $4 IS NOT NULL THEN ${UPSERT_AGENT_MAILS}; END IF;
    IF $5 IS NOT NULL THEN ${UPSERT_STEP_ATTEMPTS}; END IF;
    IF $6 IS NOT NULL THEN ${UPSERT_CHECKPOINT_WAITS}; END IF;
  END IF;
  -- Last, so that the hot rows are held for the shortest time.
  IF $8 > 0 THEN ${ADVANCE_CHECKPOINT_COUNTING}; END IF;
END
$fn$`;

export class ProjectRunBatchFunction1733500000000 implements MigrationInterface {
  name = 'ProjectRunBatchFunction1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(PROJECT_RUN_BATCH);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION project_run_batch(text[], jsonb, jsonb, jsonb, jsonb, jsonb, text, bigint, text, bigint)`,
    );
  }
}
