import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A team (workspace): owns objects together; its members have roles. */
@Entity({ name: 'teams' })
export class Team {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The OpenID Connect group this team mirrors (its memberships follow the groups claim); null for local teams. */
  @Column({ name: 'external_group', type: 'text', nullable: true })
  externalGroup!: string | null;

  /** Set by the database at insert. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
