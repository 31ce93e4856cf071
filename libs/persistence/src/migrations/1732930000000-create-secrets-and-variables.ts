import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The secrets store (one row per owner and name: the value sealed with a data key of its own,
 * that key wrapped under the master key named by `key_id`) and variables (every version kept; a
 * deletion is a version without a value).
 */
export class CreateSecretsAndVariables1732930000000 implements MigrationInterface {
  name = 'CreateSecretsAndVariables1732930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE secrets (
        owner       text NOT NULL,
        name        text NOT NULL,
        version     integer NOT NULL,
        ciphertext  bytea NOT NULL,
        iv          bytea NOT NULL,
        tag         bytea NOT NULL,
        wrapped_key bytea NOT NULL,
        key_id      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL,
        PRIMARY KEY (owner, name)
      )`);
    await queryRunner.query(`
      CREATE TABLE variables (
        owner      text NOT NULL,
        name       text NOT NULL,
        version    integer NOT NULL,
        value      jsonb,
        deleted    boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        PRIMARY KEY (owner, name, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE variables`);
    await queryRunner.query(`DROP TABLE secrets`);
  }
}
