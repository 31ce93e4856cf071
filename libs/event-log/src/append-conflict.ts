import { ChainmailError } from '@chainmail/contracts';
import { NatsError } from 'nats';

/** JetStream API error codes this library reacts to. */
export const JS_ERR = {
  wrongLastSequence: 10071,
  noMessageFound: 10037,
  streamNameInUse: 10058,
  streamNotFound: 10059,
  consumerNotFound: 10014,
} as const;

export function jsErrorCode(err: unknown): number | undefined {
  return err instanceof NatsError ? err.api_error?.err_code : undefined;
}

/**
 * The subject moved on since the writer last read it: another writer won. The writer reloads and
 * decides again; nothing was stored.
 */
export class AppendConflict extends ChainmailError {
  constructor(
    readonly subject: string,
    /** The last subject sequence the writer expected. */
    readonly expected: number,
    /** The subject's actual last sequence, when the server said it. */
    readonly actual: number | undefined,
    /** Set for run appends. */
    readonly runId?: string,
  ) {
    super(
      'APPEND_CONFLICT',
      `Append to ${subject} expected last sequence ${expected}, found ${actual ?? 'another'}.`,
      {
        subject,
        expected,
        actual,
        runId,
      },
    );
    this.name = 'AppendConflict';
  }
}

/** Turns the server's "wrong last sequence: N" into an AppendConflict; other errors pass through. */
export function toAppendError(err: unknown, subject: string, expected: number, runId?: string): unknown {
  if (jsErrorCode(err) !== JS_ERR.wrongLastSequence) return err;
  const description = err instanceof NatsError ? (err.api_error?.description ?? '') : '';
  const match = /(\d+)\s*$/.exec(description);
  return new AppendConflict(subject, expected, match ? Number(match[1]) : undefined, runId);
}
