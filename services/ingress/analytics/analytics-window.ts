import { ChainmailError, type AnalyticsBucket } from '@chainmail/contracts';
import { MAX_SERIES_BUCKETS } from '@chainmail/persistence';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_WINDOW_MS = 7 * DAY_MS;
/** Windows up to this long get hourly series by default. */
const HOURLY_UP_TO_MS = 2 * DAY_MS;

export interface ResolvedWindow {
  since: string;
  until: string;
  bucket: AnalyticsBucket;
}

/**
 * The window a query asks for, with its defaults (the last 7 days, until now; hourly buckets up
 * to 2 days, daily beyond), or 400 naming the field when it cannot be answered.
 */
export function resolveWindow(
  query: { since?: Date; until?: Date; bucket?: AnalyticsBucket },
  now: number,
): ResolvedWindow {
  const until = query.until?.getTime() ?? now;
  const since = query.since?.getTime() ?? until - DEFAULT_WINDOW_MS;
  if (since >= until) {
    throw invalid('since', `must be before until (${new Date(until).toISOString()})`);
  }
  const span = until - since;
  const bucket = query.bucket ?? (span <= HOURLY_UP_TO_MS ? 'hour' : 'day');
  const buckets = Math.ceil(span / (bucket === 'hour' ? HOUR_MS : DAY_MS)) + 1;
  if (buckets > MAX_SERIES_BUCKETS) {
    throw invalid(
      query.bucket === undefined ? 'since' : 'bucket',
      `gives ${buckets} ${bucket}s; a series holds at most ${MAX_SERIES_BUCKETS}: ask for a shorter window or bucket=day`,
    );
  }
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), bucket };
}

function invalid(field: string, message: string): ChainmailError {
  return new ChainmailError('BAD_REQUEST', `The query is invalid: ${field} ${message}.`, {
    issues: [{ in: 'query', field, message }],
  });
}
