import type { RunEvent } from '@chainmail/contracts';
import type { ConsumedMessage } from './consumed-message';

/**
 * The event types of a run commit, comma-separated, set by `RunLog.append`: a consumer that cares
 * about a few types skips the rest without parsing the payload.
 */
export const EVENTS_HEADER = 'Chainmail-Events';

export function eventTypesOf(events: readonly Pick<RunEvent, 'type'>[]): string {
  return [...new Set(events.map((e) => e.type))].join(',');
}

/**
 * Whether a delivered commit may hold an event of one of `types`: false only when its header says
 * it does not (a commit written before the header existed is taken to hold anything).
 */
export function mayHoldEvents(
  message: Pick<ConsumedMessage, 'headers'>,
  types: ReadonlySet<string>,
): boolean {
  const listed = message.headers[EVENTS_HEADER];
  if (listed === undefined) return true;
  return listed.split(',').some((type) => types.has(type));
}
