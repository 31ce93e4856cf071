import { AGENT_SLOTS_BUCKET, agentSubjectToken } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { KV, NatsConnection } from 'nats';

/** A held call slot of an agent; released when the call ends. */
export interface AgentLease {
  release(): Promise<void>;
}

/** At most `limit` calls of an agent at once, across every execution replica. */
export interface AgentSlots {
  /** A free slot, or undefined when all `limit` are held. `holder` names the call (for operators). */
  acquire(address: string, limit: number, holder: string): Promise<AgentLease | undefined>;
  close(): void;
}

/** How long a slot outlives a holder that died without releasing it. Holders renew well before. */
export const SLOT_TTL_MS = 30_000;
/** JetStream's "wrong last sequence": the key exists, the slot is held. */
const WRONG_LAST_SEQUENCE = 10071;

/**
 * Leases in a JetStream KV bucket (`AGENT_SLOTS`): slot n of an agent is the key
 * `slot.<address token>.<n>`, taken with a create-only write. The bucket's max age is the lease:
 * a holder renews its key every third of it while the call runs and deletes it (at its own
 * revision) when done, so a crashed replica's slot frees itself within 30 s. Works on NATS 2.9
 * (no per-key TTL needed). Why not a work-queue of tokens: a token taken by a replica that dies
 * is gone until someone puts it back, and the limit can change at any time; keys need no refill.
 */
export class KvAgentSlots implements AgentSlots {
  private bucket?: Promise<KV>;
  private readonly leases = new Set<KvLease>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
    private readonly ttlMs = SLOT_TTL_MS,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  async acquire(address: string, limit: number, holder: string): Promise<AgentLease | undefined> {
    const kv = await this.kv();
    const token = slotToken(address);
    // Start at a slot picked by the holder so that waiting calls do not all fight over slot 0.
    const first = hash(holder) % limit;
    for (let i = 0; i < limit; i++) {
      const key = `slot.${token}.${(first + i) % limit}`;
      try {
        const revision = await kv.create(key, new TextEncoder().encode(holder));
        const lease = new KvLease(kv, key, holder, revision, this.ttlMs, this.warn, (l) =>
          this.leases.delete(l),
        );
        this.leases.add(lease);
        return lease;
      } catch (err) {
        if (errCode(err) !== WRONG_LAST_SEQUENCE) throw err;
      }
    }
    return undefined;
  }

  /** Stops renewing (shutdown); the slots still held expire by themselves. */
  close(): void {
    for (const lease of this.leases) lease.stop();
    this.leases.clear();
  }

  private kv(): Promise<KV> {
    this.bucket ??= this.nc
      .jetstream()
      .views.kv(this.names.stream(AGENT_SLOTS_BUCKET), { ttl: this.ttlMs, history: 1 })
      .catch((err: unknown) => {
        this.bucket = undefined;
        throw err;
      });
    return this.bucket;
  }
}

class KvLease implements AgentLease {
  private readonly timer: NodeJS.Timeout;
  private released = false;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly holder: string,
    private revision: number,
    ttlMs: number,
    private readonly warn: (message: string) => void,
    private readonly done: (lease: KvLease) => void,
  ) {
    this.timer = setInterval(
      () => {
        this.renewing = this.renew();
      },
      Math.max(100, Math.floor(ttlMs / 3)),
    );
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.stop();
    await this.renewing; // a renewal in flight moves the revision the delete must name
    try {
      // At our revision only: a lease that expired and was taken by another call stays theirs.
      await this.kv.delete(this.key, { previousSeq: this.revision });
    } catch (err) {
      this.warn(`could not release agent slot ${this.key}: ${(err as Error).message}; it expires by itself`);
    }
  }

  stop(): void {
    this.released = true;
    clearInterval(this.timer);
    this.done(this);
  }

  private async renew(): Promise<void> {
    if (this.released) return;
    try {
      this.revision = await this.kv.update(this.key, new TextEncoder().encode(this.holder), this.revision);
    } catch (err) {
      this.warn(`agent slot ${this.key} could not be renewed: ${(err as Error).message}`);
    }
  }
}

/** A KV key token of an address: the subject token with `@` written `_40` (KV keys may not hold `@`). */
export function slotToken(address: string): string {
  return agentSubjectToken(address).replace(/@/g, '_40');
}

function errCode(err: unknown): number | undefined {
  const code = (err as { api_error?: { err_code?: unknown } } | undefined)?.api_error?.err_code;
  return typeof code === 'number' ? code : undefined;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
