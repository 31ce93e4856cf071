import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Debugging in the run views: status `paused`, where a paused run waits (`paused_at`), where a forked run came
 * from (`forked_from`), and each failed attempt of a step's current visit (`attempt_errors`), which
 * a failed run's `failure` reads.
 */
export class DebuggingRunViews1733150000000 implements MigrationInterface {
  name = 'DebuggingRunViews1733150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `waiting` (runs at a checkpoint) is listed too, so that this and the checkpoint migration
    // can be applied in either order.
    await queryRunner.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await queryRunner.query(
      `ALTER TABLE runs ADD CONSTRAINT runs_status_check
         CHECK (status IN ('running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'))`,
    );
    await queryRunner.query(`ALTER TABLE runs ADD COLUMN paused_at jsonb, ADD COLUMN forked_from jsonb`);
    await queryRunner.query(`ALTER TABLE run_steps ADD COLUMN attempt_errors jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE run_steps DROP COLUMN attempt_errors`);
    await queryRunner.query(`ALTER TABLE runs DROP COLUMN paused_at, DROP COLUMN forked_from`);
    await queryRunner.query(`UPDATE runs SET status = 'running' WHERE status = 'paused'`);
    await queryRunner.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await queryRunner.query(
      `ALTER TABLE runs ADD CONSTRAINT runs_status_check
         CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'cancelled'))`,
    );
  }
}
