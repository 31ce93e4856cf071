import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound notifications: `deliveries` (one row per mail or webhook call of a run, the guard that
 * makes sending idempotent) and `caught_mail` (what the local mail catcher received).
 */
export class CreateOutboundMail1732720000000 implements MigrationInterface {
  name = 'CreateOutboundMail1732720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deliveries (
        id              text PRIMARY KEY,
        run_id          text NOT NULL,
        channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
        kind            text NOT NULL,
        status          text NOT NULL CHECK (status IN ('sending', 'retrying', 'sent', 'failed')),
        attempts        integer NOT NULL DEFAULT 1,
        recipient       text NOT NULL,
        message_id      text,
        subject         text,
        last_error      text,
        next_attempt_at timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        sent_at         timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX deliveries_run_idx ON deliveries (run_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE caught_mail (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at   timestamptz NOT NULL DEFAULT now(),
        envelope_from text NOT NULL,
        envelope_to   jsonb NOT NULL,
        from_header   text NOT NULL,
        to_header     text NOT NULL,
        subject       text NOT NULL,
        date          timestamptz,
        message_id    text,
        in_reply_to   text,
        "references"  jsonb NOT NULL DEFAULT '[]',
        text_body     text,
        html_body     text,
        raw           bytea NOT NULL,
        size          integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS caught_mail`);
    await queryRunner.query(`DROP TABLE IF EXISTS deliveries`);
  }
}
