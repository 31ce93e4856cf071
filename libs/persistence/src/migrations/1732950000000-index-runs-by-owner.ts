import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every run listing is scoped by the caller's visible owners (`owner = ANY(...)`), newest first:
 * an index per owner in that order keeps a user's page fast however many runs others have.
 */
export class IndexRunsByOwner1732950000000 implements MigrationInterface {
  name = 'IndexRunsByOwner1732950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX runs_owner_started ON runs (owner, started_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX runs_owner_started`);
  }
}
