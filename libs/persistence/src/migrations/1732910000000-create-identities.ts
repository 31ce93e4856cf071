import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identities and access: users, teams, team members with roles, API tokens (hashed secrets,
 * scopes, expiry, revocation), and `rate_limits`, the counters the per-token request limit
 * shares across ingress replicas (the layout `rate-limiter-flexible`'s Postgres store expects).
 */
export class CreateIdentities1732910000000 implements MigrationInterface {
  name = 'CreateIdentities1732910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        email       text,
        admin       boolean NOT NULL DEFAULT false,
        external_id text UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE teams (
        id             text PRIMARY KEY,
        name           text NOT NULL,
        external_group text UNIQUE,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX teams_name_idx ON teams (lower(name))`);
    await queryRunner.query(`
      CREATE TABLE team_members (
        team_id    text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role       text NOT NULL CHECK (role IN ('owner', 'editor', 'runner', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX team_members_user_idx ON team_members (user_id)`);
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id           text PRIMARY KEY,
        user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name         text NOT NULL,
        secret_hash  bytea NOT NULL,
        scopes       text[] NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text NOT NULL,
        expires_at   timestamptz,
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE rate_limits (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS rate_limits`);
    await queryRunner.query(`DROP TABLE IF EXISTS api_tokens`);
    await queryRunner.query(`DROP TABLE IF EXISTS team_members`);
    await queryRunner.query(`DROP TABLE IF EXISTS teams`);
    await queryRunner.query(`DROP TABLE IF EXISTS users`);
  }
}
