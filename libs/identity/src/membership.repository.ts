import type { TeamMembership, TeamRole } from '@chainmail/contracts';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { TeamMember } from './entities/team-member.entity';
import { User } from './entities/user.entity';
import { iso, type TeamMemberRecord } from './identity.records';

/** The `team_members` table: who is on which team, with which role. */
export class MembershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(tx?: EntityManager): Repository<TeamMember> {
    return (tx ?? this.dataSource.manager).getRepository(TeamMember);
  }

  /** A team's members with their names, oldest first. */
  async members(teamId: string, tx?: EntityManager): Promise<TeamMemberRecord[]> {
    const rows = await this.rows(tx)
      .createQueryBuilder('m')
      .innerJoin(User, 'u', 'u.id = m.userId')
      .select(['m.userId AS user_id', 'u.name AS name', 'm.role AS role', 'm.createdAt AS created_at'])
      .where('m.teamId = :teamId', { teamId })
      .orderBy('m.createdAt')
      .addOrderBy('m.userId')
      .getRawMany<{ user_id: string; name: string; role: TeamRole; created_at: Date }>();
    return rows.map((r) => ({ userId: r.user_id, name: r.name, role: r.role, since: iso(r.created_at) }));
  }

  /** The teams a user belongs to, with the role on each. */
  async of(userId: string, tx?: EntityManager): Promise<TeamMembership[]> {
    const rows = await this.rows(tx).find({
      select: { teamId: true, role: true },
      where: { userId },
      order: { teamId: 'ASC' },
    });
    return rows.map((r) => ({ teamId: r.teamId, role: r.role }));
  }

  /** Adds the member, or changes the role of one already there. */
  async set(teamId: string, userId: string, role: TeamRole, tx?: EntityManager): Promise<void> {
    await this.rows(tx).upsert({ teamId, userId, role }, { conflictPaths: ['teamId', 'userId'] });
  }

  /** Whether the user was a member (and is no longer). */
  async remove(teamId: string, userId: string, tx?: EntityManager): Promise<boolean> {
    const result = await this.rows(tx).delete({ teamId, userId });
    return (result.affected ?? 0) > 0;
  }
}
