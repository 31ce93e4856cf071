import type { DefinitionEvent } from '@chainmail/contracts';

/** The registry's port onto the agent subjects of DEFINITION_EVENTS. */
export interface AgentAppender {
  append(address: string, event: DefinitionEvent, expectedLastSeq: number): Promise<{ seq: number }>;
  lastSequenceOf(address: string): Promise<number>;
  isConflict(err: unknown): boolean;
}

export const CATALOG_WAIT_MS = 5_000;
export const MAX_APPEND_ATTEMPTS = 5;
