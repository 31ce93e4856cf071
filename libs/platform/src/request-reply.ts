import {
  Catch,
  Logger,
  type ArgumentsHost,
  type INestApplication,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { ClientNats, ServerNats, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { ChainmailError, type ErrorCode } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { firstValueFrom, throwError, timeout, type Observable } from 'rxjs';
import { EVENT_LOG_NAMES, NATS_CONNECTION } from './tokens';

/*
 * Request/reply between services is Nest's NATS transport (`@MessagePattern` handlers, a
 * `ClientProxy` caller) on the process's one NATS connection, with every subject in the event
 * log's namespace (`eventLogNames(namespace).subject`), so test suites sharing a server never
 * answer each other. Coded errors travel as `{code, message, details}` and come back as the same
 * `ChainmailError`.
 */

/** Serves the process's `@MessagePattern` handlers; `extras.queue` names a handler's queue group. */
export class NatsRequestServer extends ServerNats {
  private readonly served: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
  ) {
    super({});
  }

  override createNatsClient(): Promise<NatsConnection> {
    return Promise.resolve(this.nc);
  }

  override bindEvents(client: NatsConnection): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = (handler.extras as { queue?: string } | undefined)?.queue;
      const callback = this.getMessageHandler(pattern).bind(this) as (
        err: NatsError | null,
        msg: Msg,
      ) => void;
      this.served.push(client.subscribe(this.names.subject(pattern), { queue, callback }));
    }
  }

  /** The platform watches and drains the shared connection. */
  override async handleStatusUpdates(): Promise<void> {}

  /** Stops answering; the connection is the platform's to drain. */
  override async close(): Promise<void> {
    for (const sub of this.served.splice(0)) sub.unsubscribe();
  }
}

/** Sends requests over the process's connection to the namespaced subjects the server listens on. */
export class NatsRequestClient extends ClientNats {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
  ) {
    super({});
  }

  override createClient(): Promise<NatsConnection> {
    return Promise.resolve(this.nc);
  }

  override async handleStatusUpdates(): Promise<void> {}

  override async close(): Promise<void> {}

  protected override publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return super.publish(
      { ...packet, pattern: this.names.subject(this.normalizePattern(packet.pattern)) },
      callback,
    );
  }

  /**
   * One request: its answer, or the answering side's `ChainmailError` as it was thrown there.
   * No answer (nobody serves `subject`, or not within `timeoutMs`) is `UNAVAILABLE`, naming `who`.
   */
  async ask<T>(subject: string, payload: unknown, who: string, timeoutMs = 10_000): Promise<T> {
    try {
      await this.connect();
      return await firstValueFrom(this.send<T>(subject, payload ?? {}).pipe(timeout(timeoutMs)));
    } catch (err) {
      if (isCodedError(err)) throw new ChainmailError(err.code, err.message, err.details);
      throw new ChainmailError(
        'UNAVAILABLE',
        `The ${who} did not answer on ${subject} (${(err as Error).message ?? String(err)}); is the ${who} service running?`,
      );
    }
  }
}

type CodedError = { code: ErrorCode; message: string; details?: unknown };

function isCodedError(err: unknown): err is CodedError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as CodedError).code === 'string' &&
    typeof (err as CodedError).message === 'string'
  );
}

/**
 * Puts a handler's error on the wire: a `ChainmailError` as its code, message and details; anything
 * else is logged here and answered `INTERNAL` with `failure` (no internals leave the process).
 */
@Catch()
export class CodedRpcErrors implements RpcExceptionFilter<unknown> {
  private readonly logger: Logger;

  constructor(
    who: string,
    private readonly failure: string,
  ) {
    this.logger = new Logger(who);
  }

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (exception instanceof ChainmailError) return throwError(() => exception.toJSON());
    const subject = host.switchToRpc().getContext<{ getSubject?: () => string }>().getSubject?.() ?? '?';
    const err = exception as Error;
    this.logger.error(`request on ${subject} failed: ${err?.stack ?? String(exception)}`);
    return throwError(() => ({ code: 'INTERNAL', message: this.failure }) satisfies CodedError);
  }
}

/**
 * Starts answering the `@MessagePattern` handlers of the app's modules on the app's NATS
 * connection (hybrid app: HTTP and request/reply in one process, lifecycle hooks run once).
 */
export async function serveRequests(app: INestApplication): Promise<void> {
  const strategy = new NatsRequestServer(app.get(NATS_CONNECTION), app.get(EVENT_LOG_NAMES));
  app.connectMicroservice({ strategy });
  await app.startAllMicroservices();
}
