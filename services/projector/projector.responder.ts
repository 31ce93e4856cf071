import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Inject } from '@nestjs/common';
import { PROJECTOR_REBUILD_SUBJECT } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import { EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection, Subscription } from 'nats';
import { RunProjector } from './run-projector.service';

/** Replicas of the projector share the request subject; one of them answers each request. */
export const PROJECTOR_QUEUE = 'projector';

/**
 * Answers `projector.rebuild` (the REST edge's `POST /v1/admin/replay`, the CLI's `replay`) with
 * `{ ok: true, result: { targetSeq } }`, the reply shape of Chainmail's request/reply subjects.
 */
@Injectable()
export class ProjectorResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly encoder = new TextEncoder();
  private subscription?: Subscription;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    private readonly projector: RunProjector,
  ) {}

  onApplicationBootstrap(): void {
    // Namespaced like the streams, so test suites sharing a server do not answer each other.
    const sub = this.nc.subscribe(this.names.subject(PROJECTOR_REBUILD_SUBJECT), { queue: PROJECTOR_QUEUE });
    this.subscription = sub;
    void (async () => {
      for await (const msg of sub) {
        let reply: unknown;
        try {
          reply = { ok: true, result: await this.projector.rebuild() };
        } catch (err) {
          this.logger.error(`rebuild failed: ${(err as Error).stack ?? String(err)}`);
          reply = {
            ok: false,
            error: { code: 'INTERNAL', message: 'The projector failed to rebuild the read models.' },
          };
        }
        msg.respond(this.encoder.encode(JSON.stringify(reply)));
      }
    })();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
