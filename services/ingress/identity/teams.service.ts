import { ChainmailError, type Actor, type TeamRole } from '@chainmail/contracts';
import type { EntityManager } from 'typeorm';
import type { AuditRecorder } from './audit.recorder';
import type { CreateTeamBody, CreateUserBody } from './identity.dto';
import {
  newTeamId,
  newUserId,
  type IdentityStore,
  type TeamMemberRecord,
  type TeamRecord,
  type UserRecord,
} from '@chainmail/identity';

export interface TeamView extends TeamRecord {
  members: TeamMemberRecord[];
}

export type MemberOutcome = 'added' | 'changed' | 'unchanged' | 'removed';

/**
 * Users and teams. Admins create both; a team's owners (and admins) manage its members. A team
 * keeps at least one owner. Role changes are audited and drop cached callers everywhere.
 */
export class TeamsService {
  constructor(
    private readonly identities: IdentityStore,
    private readonly audit: AuditRecorder,
    private readonly changed: () => void,
  ) {}

  async createUser(actor: Actor, request: CreateUserBody): Promise<UserRecord> {
    if (request.email !== null && (await this.identities.users.byEmail(request.email))) {
      throw new ChainmailError('CONFLICT', `A user with the email ${request.email} exists already.`, {
        email: request.email,
      });
    }
    return this.identities.transaction(async (tx) => {
      const user = await this.identities.users.create({ id: newUserId(), ...request }, tx);
      await this.audit.record(
        actor,
        'user.created',
        { kind: 'user', id: user.id },
        {
          name: user.name,
          admin: user.admin,
        },
      );
      return user;
    });
  }

  async user(id: string): Promise<UserRecord> {
    const user = await this.identities.users.byId(id);
    if (!user) throw new ChainmailError('USER_NOT_FOUND', `No user has the id "${id}".`, { userId: id });
    return user;
  }

  async createTeam(actor: Actor, request: CreateTeamBody): Promise<TeamView> {
    const ownerId = request.owner ?? actor.userId;
    await this.user(ownerId);
    if (await this.identities.teams.byName(request.name)) {
      throw new ChainmailError('CONFLICT', `A team is named "${request.name}" already.`, {
        name: request.name,
      });
    }
    const team = await this.identities.transaction(async (tx) => {
      const created = await this.identities.teams.create({ id: newTeamId(), name: request.name }, tx);
      await this.identities.memberships.set(created.id, ownerId, 'owner', tx);
      await this.audit.record(
        actor,
        'team.created',
        { kind: 'team', id: created.id },
        { name: created.name },
      );
      await this.audit.record(
        actor,
        'team.member.added',
        { kind: 'team', id: created.id },
        {
          userId: ownerId,
          role: 'owner',
        },
      );
      return created;
    });
    this.changed();
    return { ...team, members: await this.identities.memberships.members(team.id) };
  }

  /** An admin sees every team; anyone else the teams they belong to. */
  async teams(actor: Actor): Promise<TeamRecord[]> {
    return this.identities.teams.list(actor.scopes.includes('admin') ? undefined : actor.userId);
  }

  async team(actor: Actor, id: string): Promise<TeamView> {
    const team = await this.visibleTeam(actor, id);
    return { ...team, members: await this.identities.memberships.members(id) };
  }

  /** Adds a member or changes a member's role (`onlyExisting`: change only). */
  async setMember(
    actor: Actor,
    teamId: string,
    member: { userId: string; role: TeamRole },
    onlyExisting = false,
  ): Promise<{ teamId: string; userId: string; role: TeamRole; outcome: MemberOutcome }> {
    await this.manageableTeam(actor, teamId);
    await this.user(member.userId);
    const outcome = await this.identities.transaction(async (tx): Promise<MemberOutcome> => {
      const members = await this.lockMembers(teamId, tx);
      const current = members.find((m) => m.userId === member.userId);
      if (!current && onlyExisting) {
        throw new ChainmailError('USER_NOT_FOUND', `${member.userId} is not a member of this team.`, member);
      }
      if (current?.role === member.role) return 'unchanged';
      if (current?.role === 'owner' && owners(members) === 1) throw lastOwner(teamId);
      await this.identities.memberships.set(teamId, member.userId, member.role, tx);
      if (current) {
        await this.audit.record(
          actor,
          'team.member.role_changed',
          { kind: 'team', id: teamId },
          {
            userId: member.userId,
            from: current.role,
            to: member.role,
          },
        );
        return 'changed';
      }
      await this.audit.record(
        actor,
        'team.member.added',
        { kind: 'team', id: teamId },
        {
          userId: member.userId,
          role: member.role,
        },
      );
      return 'added';
    });
    if (outcome !== 'unchanged') this.changed();
    return { teamId, userId: member.userId, role: member.role, outcome };
  }

  async removeMember(
    actor: Actor,
    teamId: string,
    userId: string,
  ): Promise<{ teamId: string; userId: string; outcome: MemberOutcome }> {
    await this.manageableTeam(actor, teamId);
    await this.identities.transaction(async (tx) => {
      const members = await this.lockMembers(teamId, tx);
      const current = members.find((m) => m.userId === userId);
      if (!current)
        throw new ChainmailError('USER_NOT_FOUND', `${userId} is not a member of this team.`, { userId });
      if (current.role === 'owner' && owners(members) === 1) throw lastOwner(teamId);
      await this.identities.memberships.remove(teamId, userId, tx);
      await this.audit.record(
        actor,
        'team.member.removed',
        { kind: 'team', id: teamId },
        {
          userId,
          role: current.role,
        },
      );
    });
    this.changed();
    return { teamId, userId, outcome: 'removed' };
  }

  /** A team the caller may see: an admin sees all; others only their own (else 404, so names do not leak). */
  private async visibleTeam(actor: Actor, id: string): Promise<TeamRecord> {
    const team = await this.identities.teams.byId(id);
    const member = actor.teams.some((t) => t.teamId === id);
    if (!team || (!member && !actor.scopes.includes('admin'))) {
      throw new ChainmailError('TEAM_NOT_FOUND', `No team of yours has the id "${id}".`, { teamId: id });
    }
    return team;
  }

  /** The team's members, its row locked: two role changes cannot both leave it without an owner. */
  private async lockMembers(teamId: string, tx: EntityManager): Promise<TeamMemberRecord[]> {
    await this.identities.teams.lock(teamId, tx);
    return this.identities.memberships.members(teamId, tx);
  }

  private async manageableTeam(actor: Actor, id: string): Promise<TeamRecord> {
    const team = await this.visibleTeam(actor, id);
    const role = actor.teams.find((t) => t.teamId === id)?.role;
    if (role !== 'owner' && !actor.scopes.includes('admin')) {
      throw new ChainmailError(
        'FORBIDDEN',
        `Only an owner of the team (or an admin) manages its members; you are ${role ?? 'not a member'}.`,
      );
    }
    return team;
  }
}

function owners(members: TeamMemberRecord[]): number {
  return members.filter((m) => m.role === 'owner').length;
}

function lastOwner(teamId: string): ChainmailError {
  return new ChainmailError('CONFLICT', 'A team keeps at least one owner: make another member owner first.', {
    teamId,
  });
}
