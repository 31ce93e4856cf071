import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person (or a service account) who calls the API. Created by an admin (`POST /v1/users`), at
 * first start (the admin), or on first sight of an OpenID Connect login (`external_id`).
 */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** May hold tokens with the `admin` scope: manage users, teams, others' tokens, read the audit. */
  @Column({ type: 'boolean', default: false })
  admin!: boolean;

  /** `<issuer>#<subject>` of an OpenID Connect identity; null for local users. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  /** Set by the database at insert. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
