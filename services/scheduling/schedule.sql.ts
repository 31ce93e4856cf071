/**
 * SQL of `ScheduleRepository`. One schedule is evaluated in one transaction that holds its state
 * row: replicas skip a row another one holds, and the tick's primary key is the claim that makes
 * a tick fire once even if the state row were lost or a replica's view were stale.
 */

/** A schedule seen for the first time gets its state row (nothing evaluated yet). */
export const ENSURE_STATE = `
  INSERT INTO schedule_states (workflow, trigger_key, evaluated_until)
  VALUES ($1, $2, NULL)
  ON CONFLICT (workflow, trigger_key) DO NOTHING`;

/** The state row, locked for this transaction; no row when another replica is evaluating it. */
export const LOCK_STATE = `
  SELECT evaluated_until FROM schedule_states
  WHERE workflow = $1 AND trigger_key = $2
  FOR UPDATE SKIP LOCKED`;

/** The claim: a row returned means this transaction fires the tick. */
export const CLAIM_TICK = `
  INSERT INTO schedule_ticks (workflow, trigger_key, scheduled_for, run_id, version, fired_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (workflow, trigger_key, scheduled_for) DO NOTHING
  RETURNING run_id`;

/** Old fired ticks of the schedule (the one just claimed is newer, so the newest always stays). */
export const PRUNE_TICKS = `
  DELETE FROM schedule_ticks WHERE workflow = $1 AND trigger_key = $2 AND scheduled_for < $3`;

/** Moves the mark forward only: a replica with a slower clock cannot move it back. */
export const MARK_EVALUATED = `
  UPDATE schedule_states
  SET evaluated_until = GREATEST(COALESCE(evaluated_until, $3), $3), updated_at = now()
  WHERE workflow = $1 AND trigger_key = $2
  RETURNING evaluated_until`;
