import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What readers used to fold the log for, now kept by the projector: a sub-workflow run's parent and
 * the owner's variables (notification renders templates with them); a step's kind, list output,
 * open checkpoint and its decision (checkpoint checks, templates); and every email agent's mail by
 * Message-ID, so a reply is matched to the attempt that sent it without reading the run's log.
 */
export class ExtendRunReadModels1733000000000 implements MigrationInterface {
  name = 'ExtendRunReadModels1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE runs ADD COLUMN parent_run_id text, ADD COLUMN vars jsonb`);
    await queryRunner.query(`
      ALTER TABLE run_steps
        ADD COLUMN kind text,
        ADD COLUMN items jsonb,
        ADD COLUMN checkpoint_message text,
        ADD COLUMN decision jsonb`);
    await queryRunner.query(`
      CREATE TABLE run_agent_mails (
        run_id           text NOT NULL,
        step_id          text NOT NULL,
        visit            integer NOT NULL,
        attempt          integer NOT NULL,
        message_id       text,
        agent            text,
        to_address       text,
        reply_message_id text,
        replied          boolean NOT NULL DEFAULT false,
        last_seq         bigint NOT NULL,
        PRIMARY KEY (run_id, step_id, visit, attempt)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX run_agent_mails_message_id ON run_agent_mails (message_id) WHERE message_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS run_agent_mails`);
    await queryRunner.query(
      `ALTER TABLE run_steps DROP COLUMN kind, DROP COLUMN items, DROP COLUMN checkpoint_message, DROP COLUMN decision`,
    );
    await queryRunner.query(`ALTER TABLE runs DROP COLUMN parent_run_id, DROP COLUMN vars`);
  }
}
