import { ChainmailError } from '@chainmail/contracts';

/** Keyset cursor of run listings: the (started_at, id) of the last row of a page, opaque to clients. */
export interface ListCursor {
  startedAt: Date;
  id: string;
}

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeListCursor(text: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid(text);
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid(text);
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string') throw invalid(text);
  const startedAt = new Date(at);
  if (Number.isNaN(startedAt.getTime())) throw invalid(text);
  return { startedAt, id };
}

const invalid = (text: string): ChainmailError =>
  new ChainmailError('BAD_REQUEST', 'Invalid list cursor', { cursor: text.slice(0, 200) });
