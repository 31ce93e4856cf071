import type { JetStreamManager, StoredMsg } from 'nats';
import { JS_ERR, jsErrorCode } from './append-conflict';

/**
 * Single-message reads answered by the stream leader (not `allow_direct` replicas, which may lag):
 * a writer checking its tail must see its own last append.
 */
export async function lastBySubject(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  return orNull(jsm.streams.getMessage(stream, { last_by_subj: subject }));
}

export async function bySequence(
  jsm: JetStreamManager,
  stream: string,
  seq: number,
): Promise<StoredMsg | null> {
  return orNull(jsm.streams.getMessage(stream, { seq }));
}

async function orNull(request: Promise<StoredMsg>): Promise<StoredMsg | null> {
  try {
    return await request;
  } catch (err) {
    if (jsErrorCode(err) === JS_ERR.noMessageFound) return null;
    throw err;
  }
}
