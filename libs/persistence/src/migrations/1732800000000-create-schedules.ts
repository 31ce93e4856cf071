import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cron schedules of the scheduling service: `schedule_ticks` (each fired tick once: the primary
 * key is the claim) and `schedule_states` (how far each schedule was evaluated, for catch-up after
 * downtime). The listing (`GET /v1/schedules`) reads the newest tick of each schedule.
 */
export class CreateSchedules1732800000000 implements MigrationInterface {
  name = 'CreateSchedules1732800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE schedule_ticks (
        workflow      text NOT NULL,
        trigger_key   text NOT NULL,
        scheduled_for timestamptz NOT NULL,
        run_id        text NOT NULL,
        version       integer NOT NULL,
        fired_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow, trigger_key, scheduled_for)
      )`);
    await queryRunner.query(`
      CREATE TABLE schedule_states (
        workflow        text NOT NULL,
        trigger_key     text NOT NULL,
        evaluated_until timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow, trigger_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS schedule_states`);
    await queryRunner.query(`DROP TABLE IF EXISTS schedule_ticks`);
  }
}
