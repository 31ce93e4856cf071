import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ChainmailConfig } from '@chainmail/config';
import { AuditLog, type EventLogNames } from '@chainmail/event-log';
import { IdentityStore, IdentityStoreModule } from '@chainmail/identity';
import { CHAINMAIL_CONFIG, DATA_SOURCE, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { ensureAdminToken } from './admin-token.bootstrap';
import { AuditController } from './audit.controller';
import { AuditRecorder } from './audit.recorder';
import { AuthConfigController } from './auth-config.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { IdentityChanges } from './identity-changes';
import { MeController } from './me.controller';
import { OidcSignIn } from './oidc-sign-in';
import { RateLimitStore } from './rate-limit.store';
import { RequestLimiter } from './request-limiter';
import { TeamsController } from './teams.controller';
import { TeamsService } from './teams.service';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';
import { UsersController } from './users.controller';

/**
 * Who may call the API: users, teams and roles, API tokens, OpenID Connect, the per-token rate
 * limit, the audit trail, and the global guard every route goes through (`AuthGuard`).
 */
@Module({
  imports: [IdentityStoreModule.register(DATA_SOURCE)],
  controllers: [
    MeController,
    UsersController,
    TeamsController,
    TokensController,
    AuditController,
    AuthConfigController,
  ],
  providers: [
    {
      provide: AuditLog,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new AuditLog(nc, names),
    },
    { provide: AuditRecorder, inject: [AuditLog], useFactory: (log: AuditLog) => new AuditRecorder(log) },
    {
      provide: Authenticator,
      inject: [IdentityStore, CHAINMAIL_CONFIG],
      useFactory: (identities: IdentityStore, config: ChainmailConfig) =>
        new Authenticator(identities, OidcSignIn.fromConfig(config, identities)),
    },
    {
      provide: IdentityChanges,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES, Authenticator],
      useFactory: (nc: NatsConnection, names: EventLogNames, authenticator: Authenticator) =>
        new IdentityChanges(nc, names, authenticator),
    },
    {
      provide: RequestLimiter,
      inject: [DATA_SOURCE, CHAINMAIL_CONFIG],
      useFactory: (db: DataSource, config: ChainmailConfig) =>
        new RequestLimiter(new RateLimitStore(db), config.rateLimitPerMinute),
    },
    {
      provide: TokensService,
      inject: [IdentityStore, AuditRecorder, IdentityChanges],
      useFactory: (identities: IdentityStore, audit: AuditRecorder, changes: IdentityChanges) =>
        new TokensService(identities, audit, () => changes.announce()),
    },
    {
      provide: TeamsService,
      inject: [IdentityStore, AuditRecorder, IdentityChanges],
      useFactory: (identities: IdentityStore, audit: AuditRecorder, changes: IdentityChanges) =>
        new TeamsService(identities, audit, () => changes.announce()),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuditRecorder, IdentityStoreModule],
})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(
    private readonly identities: IdentityStore,
    private readonly audit: AuditRecorder,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
  ) {}

  /** Before the port opens: the admin token of the first start (or of CHAINMAIL_ADMIN_TOKEN) exists. */
  async onApplicationBootstrap(): Promise<void> {
    await ensureAdminToken(this.identities, this.audit, this.config.adminToken);
  }
}
