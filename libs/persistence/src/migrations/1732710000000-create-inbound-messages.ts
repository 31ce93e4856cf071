import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every inbound mail and webhook call, accepted or refused. Append-only and written on the hot
 * path of the edge, so it carries a single index (newest first); filters by channel or status
 * walk that index, which is cheap for the "latest N" questions it answers.
 */
export class CreateInboundMessages1732710000000 implements MigrationInterface {
  name = 'CreateInboundMessages1732710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbound_messages (
        id              text PRIMARY KEY,
        channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
        received_at     timestamptz NOT NULL,
        sender          text,
        recipient       text,
        path            text,
        subject         text,
        message_id      text,
        idempotency_key text,
        size_bytes      bigint,
        status          text NOT NULL CHECK (status IN ('accepted', 'refused', 'failed')),
        reason          text,
        run_id          text,
        workflow        text,
        remote_address  text
      )`);
    await queryRunner.query(
      `CREATE INDEX inbound_messages_received_idx ON inbound_messages (received_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_messages`);
  }
}
