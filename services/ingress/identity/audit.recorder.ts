import { randomUUID } from 'node:crypto';
import type { Actor, AuditAction, AuditEntry } from '@chainmail/contracts';
import type { AuditLog } from '@chainmail/event-log';

/** Who acted: a request's actor, or the system itself (first start). */
export type AuditActor = Pick<Actor, 'userId' | 'tokenId'>;
export const SYSTEM_ACTOR: AuditActor = { userId: 'system', tokenId: null };

/**
 * Records who did what on the AUDIT stream. Use cases call it inside the database transaction of
 * the change, so a change whose entry cannot be written is rolled back rather than left unrecorded.
 */
export class AuditRecorder {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(
    actor: AuditActor,
    action: AuditAction,
    target: AuditEntry['target'],
    details?: Record<string, unknown>,
  ): Promise<AuditEntry> {
    const entry: AuditEntry = {
      id: randomUUID(),
      at: this.clock().toISOString(),
      action,
      actor: { userId: actor.userId, tokenId: actor.tokenId },
      target,
      ...(details !== undefined ? { details } : {}),
    };
    await this.log.append(entry);
    return entry;
  }
}
