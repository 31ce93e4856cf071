import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IdentityStore } from './identity.store';
import { MembershipRepository } from './membership.repository';
import { TeamRepository } from './team.repository';
import { TokenRepository } from './token.repository';
import { UserRepository } from './user.repository';

/**
 * The identity repositories as Nest providers. The DataSource comes by the token the caller names
 * (the platform's `DATA_SOURCE`), so this library depends on no process shell.
 */
@Module({})
export class IdentityStoreModule {
  static register(dataSource: InjectionToken): DynamicModule {
    const store = {
      provide: IdentityStore,
      inject: [dataSource],
      useFactory: (db: DataSource) => new IdentityStore(db),
    };
    const parts = [
      { provide: UserRepository, inject: [IdentityStore], useFactory: (s: IdentityStore) => s.users },
      { provide: TeamRepository, inject: [IdentityStore], useFactory: (s: IdentityStore) => s.teams },
      {
        provide: MembershipRepository,
        inject: [IdentityStore],
        useFactory: (s: IdentityStore) => s.memberships,
      },
      { provide: TokenRepository, inject: [IdentityStore], useFactory: (s: IdentityStore) => s.tokens },
    ];
    return {
      module: IdentityStoreModule,
      providers: [store, ...parts],
      exports: [IdentityStore, UserRepository, TeamRepository, MembershipRepository, TokenRepository],
    };
  }
}
