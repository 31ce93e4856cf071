import type { TeamMembership } from '@chainmail/contracts';
import { MembershipRepository } from '@chainmail/identity';
import type { DataSource } from 'typeorm';

/** The teams a run's owner (a user) belongs to, read when a sub-workflow starts. */
export interface OwnerMemberships {
  of(userId: string): Promise<TeamMembership[]>;
}

/** No database: a run may start only sub-workflows of its own owner. */
export const NO_MEMBERSHIPS: OwnerMemberships = { of: async () => [] };

const CACHE_MS = 1_000;

/**
 * Memberships from the identity library's repository, cached for a second: a role removed is in
 * force for sub-workflows started a second later.
 */
export class PostgresMemberships implements OwnerMemberships {
  private readonly cache = new Map<string, { at: number; teams: Promise<TeamMembership[]> }>();
  private readonly memberships: MembershipRepository;

  constructor(
    dataSource: DataSource,
    private readonly clock: () => number = Date.now,
  ) {
    this.memberships = new MembershipRepository(dataSource);
  }

  of(userId: string): Promise<TeamMembership[]> {
    const now = this.clock();
    const cached = this.cache.get(userId);
    if (cached && now - cached.at < CACHE_MS) return cached.teams;
    const teams = this.memberships.of(userId);
    // A failed read is not cached: the next start asks again.
    teams.catch(() => this.cache.delete(userId));
    this.cache.set(userId, { at: now, teams });
    if (this.cache.size > 10_000) this.cache.clear();
    return teams;
  }
}
