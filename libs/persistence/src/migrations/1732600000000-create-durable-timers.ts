import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable timers of the scheduling service. Only armed rows are ever looked up by due time, so the
 * due index is partial: tombstones (fired, disarmed) cost nothing to the firing loop. `kind` is not
 * checked: the contracts' TimerPurpose owns that list, and it grows.
 */
export class CreateDurableTimers1732600000000 implements MigrationInterface {
  name = 'CreateDurableTimers1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE durable_timers (
        id          text PRIMARY KEY,
        run_id      text NOT NULL,
        kind        text NOT NULL,
        purpose     jsonb NOT NULL,
        due_at      timestamptz,
        state       text NOT NULL CHECK (state IN ('armed', 'fired', 'disarmed')),
        seq         bigint NOT NULL,
        traceparent text,
        fired_at    timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (state <> 'armed' OR due_at IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX durable_timers_due_idx ON durable_timers (due_at) WHERE state = 'armed'`,
    );
    await queryRunner.query(`CREATE INDEX durable_timers_run_idx ON durable_timers (run_id)`);
    await queryRunner.query(`
      CREATE TABLE timer_finished_runs (
        run_id      text PRIMARY KEY,
        seq         bigint NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS timer_finished_runs`);
    await queryRunner.query(`DROP TABLE IF EXISTS durable_timers`);
  }
}
