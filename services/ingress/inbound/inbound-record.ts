import type { InboundChannel, InboundStatus } from '@chainmail/persistence';

/** One inbound mail (per recipient) or webhook call, as the edge saw it. */
export interface InboundEntry {
  id: string;
  channel: InboundChannel;
  receivedAt: Date;
  status: InboundStatus;
  reason?: string;
  sender?: string;
  recipient?: string;
  path?: string;
  subject?: string;
  messageId?: string;
  idempotencyKey?: string;
  sizeBytes?: number;
  runId?: string;
  workflow?: string;
  remoteAddress?: string;
}

/** Where the edge writes what arrived. Recording never fails the delivery it describes. */
export interface InboundRecorder {
  record(entries: InboundEntry | InboundEntry[]): Promise<void>;
}
