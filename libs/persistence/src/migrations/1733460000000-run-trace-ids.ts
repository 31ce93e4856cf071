import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trace of each run (`runs.trace_id`), read from the `traceparent` its `RunStarted` commit was
 * appended with, so the run's view can link to it in a trace viewer. Runs projected before have
 * none until `chainmail replay`.
 */
export class RunTraceIds1733460000000 implements MigrationInterface {
  name = 'RunTraceIds1733460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE runs ADD COLUMN trace_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE runs DROP COLUMN trace_id`);
  }
}
