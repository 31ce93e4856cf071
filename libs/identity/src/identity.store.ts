import type { DataSource, EntityManager } from 'typeorm';
import { MembershipRepository } from './membership.repository';
import { TeamRepository } from './team.repository';
import { TokenRepository } from './token.repository';
import { UserRepository } from './user.repository';

/**
 * The identity repositories over one DataSource, and the transaction that spans them (a use case
 * that changes a team's members and records it does both or neither).
 */
export class IdentityStore {
  readonly users: UserRepository;
  readonly teams: TeamRepository;
  readonly memberships: MembershipRepository;
  readonly tokens: TokenRepository;

  constructor(private readonly dataSource: DataSource) {
    this.users = new UserRepository(dataSource);
    this.teams = new TeamRepository(dataSource);
    this.memberships = new MembershipRepository(dataSource);
    this.tokens = new TokenRepository(dataSource);
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
