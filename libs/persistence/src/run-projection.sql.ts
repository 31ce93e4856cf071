/**
 * SQL of `RunProjectionWriter`. A batch's merge rules live in Postgres, in the function
 * `project_run_batch` (see its migration, `1733500000000-project-run-batch-function.ts`): its
 * statements are planned once per connection, not once per batch.
 */

/**
 * One batch, written in one statement (so in one transaction): $1 run ids, $2–$6 the patches of
 * runs, steps, mails, step attempts and checkpoint waits as jsonb arrays (NULL: none), $7–$8 the
 * checkpoint and the batch's last sequence, $9–$10 the event counter and the batch's events.
 */
export const PROJECT_RUN_BATCH = `SELECT project_run_batch($1::text[], $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb,
  $6::jsonb, $7::text, $8::bigint, $9::text, $10::bigint)`;

export const ADVANCE_CHECKPOINT = `
  INSERT INTO projection_checkpoints (name, last_seq, updated_at) VALUES ($1, $2, now())
  ON CONFLICT (name) DO UPDATE
  SET last_seq = GREATEST(projection_checkpoints.last_seq, EXCLUDED.last_seq), updated_at = now()`;

export const TRUNCATE_READ_MODELS = `TRUNCATE analytics_checkpoint_waits, analytics_step_attempts, run_agent_mails, run_steps, runs,
  projection_checkpoints`;
