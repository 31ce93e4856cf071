import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics read models, kept by the projector beside the run views: every step attempt (its
 * agent, outcome, error code, duration, tokens and cost) and every checkpoint's wait for a person.
 * Figures are aggregated from them, and from `runs`, when asked (see `AnalyticsReadRepository`).
 * Runs projected before this migration have no rows here until `chainmail replay` rebuilds the views.
 */
export class CreateAnalyticsReadModels1733300000000 implements MigrationInterface {
  name = 'CreateAnalyticsReadModels1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics_step_attempts (
        run_id            text NOT NULL,
        step_id           text NOT NULL,
        visit             integer NOT NULL,
        attempt           integer NOT NULL,
        status            text NOT NULL,
        agent             text,
        kind              text,
        started_at        timestamptz,
        ended_at          timestamptz,
        duration_ms       bigint,
        error_code        text,
        prompt_tokens     bigint,
        completion_tokens bigint,
        cost_usd          double precision,
        last_seq          bigint NOT NULL,
        PRIMARY KEY (run_id, step_id, visit, attempt)
      )`);
    await queryRunner.query(
      `CREATE INDEX analytics_step_attempts_agent_idx ON analytics_step_attempts (agent, started_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE analytics_checkpoint_waits (
        run_id      text NOT NULL,
        step_id     text NOT NULL,
        visit       integer NOT NULL,
        opened_at   timestamptz,
        resolved_at timestamptz,
        action      text,
        last_seq    bigint NOT NULL,
        PRIMARY KEY (run_id, step_id, visit)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS analytics_checkpoint_waits`);
    await queryRunner.query(`DROP TABLE IF EXISTS analytics_step_attempts`);
  }
}
