import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { IDENTITY_CHANGED_SUBJECT } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { NatsConnection, Subscription } from 'nats';
import type { Authenticator } from './authenticator';

/**
 * Tells every ingress replica that an identity changed (a token revoked, a role changed), so each
 * drops its cached callers at once instead of within the cache's TTL.
 */
export class IdentityChanges implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private readonly logger = new Logger('identity');

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
    private readonly authenticator: Authenticator,
  ) {}

  onModuleInit(): void {
    this.subscription = this.nc.subscribe(this.names.subject(IDENTITY_CHANGED_SUBJECT), {
      callback: () => this.authenticator.invalidate(),
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** This replica forgets at once; the others as soon as the message reaches them. */
  announce(): void {
    this.authenticator.invalidate();
    try {
      this.nc.publish(this.names.subject(IDENTITY_CHANGED_SUBJECT));
    } catch (err) {
      this.logger.warn(
        `could not announce an identity change (others catch up within the credential cache's TTL): ${(err as Error).message}`,
      );
    }
  }
}
