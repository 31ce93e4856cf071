/**
 * SQL of `TimerRepository`. Rows travel as one jsonb array per statement (no parameter limit,
 * one parse). Every write to a timer carries the stream sequence of its commit and loses to a
 * row set by a later one, so redelivered and reordered commits cannot move a timer backwards.
 */

/**
 * Writers of one run's timers take turns: a transaction-scoped advisory lock on a bucket of the
 * run id, taken in bucket order so that replicas cannot deadlock. Without it a replica arming a
 * run's timer and another ending that run could each miss the other's uncommitted row. A space
 * of its own, so scheduling never waits on the projector's run locks.
 */
const TIMER_LOCK_SPACE = 0x746d7273; // 'tmrs'
const TIMER_LOCK_BUCKETS = 1024; // a power of two: the bucket is a bit mask of the hash
export const LOCK_TIMER_RUNS = `
  SELECT pg_advisory_xact_lock(${TIMER_LOCK_SPACE}, b)
  FROM (SELECT DISTINCT hashtext(id) & ${TIMER_LOCK_BUCKETS - 1} AS b FROM unnest($1::text[]) AS id) AS buckets
  ORDER BY b`;

/** Marks runs ended and drops every timer a commit up to the end set (fired, armed or not). */
export const END_RUNS = `
  WITH e AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(run_id text, seq bigint)),
  marked AS (
    INSERT INTO timer_finished_runs AS f (run_id, seq)
    SELECT run_id, seq FROM e
    ON CONFLICT (run_id) DO UPDATE SET seq = GREATEST(f.seq, excluded.seq)
  )
  DELETE FROM durable_timers AS t USING e WHERE t.run_id = e.run_id AND t.seq <= e.seq`;

/** A skipped step visit: its armed timers become tombstones. */
export const DISARM_STEPS = `
  UPDATE durable_timers AS t SET state = 'disarmed', seq = s.seq
  FROM jsonb_to_recordset($1::jsonb) AS s(run_id text, step_id text, visit integer, seq bigint)
  WHERE t.run_id = s.run_id AND t.state = 'armed' AND t.seq < s.seq
    AND t.purpose->>'stepId' = s.step_id AND (t.purpose->>'visit')::integer = s.visit`;

/**
 * Arms and tombstones in one multi-row upsert. A disarm that arrives before its arm (replicas
 * share the consumer, so commits of one run can be written out of order) leaves a tombstone the
 * arm then cannot overwrite; a disarm never turns a fired timer back into a disarmed one; nothing
 * is written for a run that ended at or after the commit.
 */
export const WRITE_TIMERS = `
  INSERT INTO durable_timers AS t (id, run_id, kind, purpose, due_at, state, seq, traceparent)
  SELECT w.id, w.run_id, w.purpose->>'kind', w.purpose, w.due_at, w.state, w.seq, w.traceparent
  FROM jsonb_to_recordset($1::jsonb)
    AS w(id text, run_id text, purpose jsonb, due_at timestamptz, state text, seq bigint, traceparent text)
  WHERE NOT EXISTS (SELECT 1 FROM timer_finished_runs AS f WHERE f.run_id = w.run_id AND f.seq >= w.seq)
  ON CONFLICT (id) DO UPDATE SET
    due_at = COALESCE(excluded.due_at, t.due_at),
    state = excluded.state,
    seq = excluded.seq,
    traceparent = COALESCE(excluded.traceparent, t.traceparent)
  WHERE t.seq < excluded.seq AND (excluded.state = 'armed' OR t.state = 'armed')`;

/**
 * Armed timers due by $1, earliest first, locked for this transaction; replicas skip each other's,
 * so each timer is taken by one of them.
 */
export const CLAIM_DUE = `
  SELECT id, run_id, purpose, due_at, traceparent FROM durable_timers
  WHERE state = 'armed' AND due_at <= $1
  ORDER BY due_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

export const MARK_FIRED = `UPDATE durable_timers SET state = 'fired', fired_at = $2 WHERE id = ANY($1::text[])`;

export const NEXT_DUE = `SELECT min(due_at) AS due_at FROM durable_timers WHERE state = 'armed'`;
