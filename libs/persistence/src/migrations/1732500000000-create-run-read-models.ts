import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of runs. Every row is derived from RUN_EVENTS; `last_seq` is the stream sequence
 * of the newest commit folded into the row, the guard that keeps redelivered commits harmless.
 * fillfactor leaves room for HOT updates: a run's row is rewritten a few times in its life.
 */
export class CreateRunReadModels1732500000000 implements MigrationInterface {
  name = 'CreateRunReadModels1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE runs (
        id              text PRIMARY KEY,
        workflow        text NOT NULL,
        version         integer NOT NULL,
        status          text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        owner           text NOT NULL,
        actor           text NOT NULL,
        trigger_kind    text NOT NULL,
        trigger         jsonb NOT NULL,
        inputs          jsonb NOT NULL,
        debug           boolean NOT NULL DEFAULT false,
        output          text,
        error           jsonb,
        started_at      timestamptz NOT NULL,
        ended_at        timestamptz,
        duration_ms     bigint,
        steps_total     integer NOT NULL DEFAULT 0,
        steps_succeeded integer NOT NULL DEFAULT 0,
        last_seq        bigint NOT NULL
      ) WITH (fillfactor = 80)`);
    await queryRunner.query(`CREATE INDEX runs_started_idx ON runs (started_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX runs_workflow_started_idx ON runs (workflow, started_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX runs_status_started_idx ON runs (status, started_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE run_steps (
        run_id      text NOT NULL,
        step_id     text NOT NULL,
        status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        agent       text,
        visit       integer NOT NULL,
        attempts    integer NOT NULL DEFAULT 0,
        input       text,
        output      text,
        error       jsonb,
        usage       jsonb,
        skip_reason text,
        started_at  timestamptz,
        ended_at    timestamptz,
        duration_ms bigint,
        position    bigint NOT NULL,
        last_seq    bigint NOT NULL,
        PRIMARY KEY (run_id, step_id)
      ) WITH (fillfactor = 80)`);
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name       text PRIMARY KEY,
        last_seq   bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS projection_checkpoints`);
    await queryRunner.query(`DROP TABLE IF EXISTS run_steps`);
    await queryRunner.query(`DROP TABLE IF EXISTS runs`);
  }
}
