import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs and steps that wait for a person (after the debugging migration, whose `paused` is kept): status `waiting` (a run while one of its checkpoints is
 * open, the checkpoint's step until it is decided), what the open checkpoint asks (approvers,
 * what each action does, its deadline), and the single-use record of approval links.
 */
export class WaitingCheckpoints1733400000000 implements MigrationInterface {
  name = 'WaitingCheckpoints1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await queryRunner.query(
      `ALTER TABLE runs ADD CONSTRAINT runs_status_check
         CHECK (status IN ('running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'))`,
    );
    await queryRunner.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_status_check`);
    await queryRunner.query(
      `ALTER TABLE run_steps ADD CONSTRAINT run_steps_status_check
         CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'skipped'))`,
    );
    await queryRunner.query(`
      ALTER TABLE run_steps
        ADD COLUMN checkpoint_approvers jsonb,
        ADD COLUMN checkpoint_actions jsonb,
        ADD COLUMN checkpoint_deadline timestamptz`);
    await queryRunner.query(`
      CREATE TABLE approval_links (
        id          text PRIMARY KEY,
        run_id      text NOT NULL,
        step_id     text NOT NULL,
        visit       integer NOT NULL,
        approver    text NOT NULL,
        action      text NOT NULL,
        used_at     timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX approval_links_expires_idx ON approval_links (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS approval_links`);
    await queryRunner.query(
      `ALTER TABLE run_steps DROP COLUMN checkpoint_approvers, DROP COLUMN checkpoint_actions, DROP COLUMN checkpoint_deadline`,
    );
    await queryRunner.query(`UPDATE run_steps SET status = 'running' WHERE status = 'waiting'`);
    await queryRunner.query(`UPDATE runs SET status = 'running' WHERE status = 'waiting'`);
    await queryRunner.query(`ALTER TABLE run_steps DROP CONSTRAINT IF EXISTS run_steps_status_check`);
    await queryRunner.query(
      `ALTER TABLE run_steps ADD CONSTRAINT run_steps_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'))`,
    );
    await queryRunner.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await queryRunner.query(
      `ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running', 'paused', 'succeeded', 'failed', 'cancelled'))`,
    );
  }
}
