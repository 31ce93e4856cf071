import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { Team } from './entities/team.entity';
import { TeamMember } from './entities/team-member.entity';
import { newTeamId, teamRecord, type TeamRecord } from './identity.records';

/** The `teams` table. Every method takes an optional transaction (an `EntityManager`). */
export class TeamRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(tx?: EntityManager): Repository<Team> {
    return (tx ?? this.dataSource.manager).getRepository(Team);
  }

  async create(
    team: { id: string; name: string; externalGroup?: string | null },
    tx?: EntityManager,
  ): Promise<TeamRecord> {
    const row = this.rows(tx).create({ ...team, externalGroup: team.externalGroup ?? null });
    await this.rows(tx).insert(row);
    return teamRecord(row);
  }

  async byId(id: string, tx?: EntityManager): Promise<TeamRecord | undefined> {
    const row = await this.rows(tx).findOneBy({ id });
    return row ? teamRecord(row) : undefined;
  }

  /** Team names are unique whatever their case (the migration's `lower(name)` index). */
  async byName(name: string): Promise<TeamRecord | undefined> {
    const row = await this.rows()
      .createQueryBuilder('t')
      .where('lower(t.name) = lower(:name)', { name })
      .getOne();
    return row ? teamRecord(row) : undefined;
  }

  /** Every team, or only those `userId` is a member of, by name. */
  async list(userId?: string): Promise<TeamRecord[]> {
    const query = this.rows().createQueryBuilder('t').orderBy('lower(t.name)');
    if (userId !== undefined) {
      query.innerJoin(TeamMember, 'm', 'm.teamId = t.id').where('m.userId = :userId', { userId });
    }
    return (await query.getMany()).map(teamRecord);
  }

  /** The team of an OpenID Connect group, created on first sight (under another name if a local team has the group's). */
  async forGroup(group: string): Promise<TeamRecord> {
    const found = await this.rows().findOneBy({ externalGroup: group });
    if (found) return teamRecord(found);
    for (const name of [group, `${group} (sso)`, `${group} (sso ${randomBytes(3).toString('hex')})`]) {
      // ON CONFLICT DO NOTHING: a taken name (or a replica creating the same group) is not an error.
      await this.rows()
        .createQueryBuilder()
        .insert()
        .values({ id: newTeamId(), name, externalGroup: group })
        .orIgnore()
        .updateEntity(false)
        .execute();
      // Ours, or a replica's that won the race; none means the name was taken: try the next.
      const created = await this.rows().findOneBy({ externalGroup: group });
      if (created) return teamRecord(created);
    }
    throw new Error(`Could not create a team for the group ${JSON.stringify(group)}`);
  }

  /** Locks the team's row until the transaction ends, so two member changes of one team take turns. */
  async lock(teamId: string, tx: EntityManager): Promise<void> {
    await this.rows(tx)
      .createQueryBuilder('t')
      .select('t.id')
      .setLock('pessimistic_write')
      .where('t.id = :teamId', { teamId })
      .getOne();
  }
}
