import { headers as natsHeaders, type MsgHdrs } from 'nats';

/** Shared by the whole process: creating codecs per message costs more than the encoding. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses a payload; the result is unvalidated, each reader checks its shape at once. */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decodeText(data));
}

/** A payload's UTF-8 text. */
export function decodeText(data: Uint8Array): string {
  return decoder.decode(data);
}

export function toMsgHdrs(record: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!record) return undefined;
  const keys = Object.keys(record);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const key of keys) h.set(key, record[key]);
  return h;
}

/**
 * Headers as a plain record (first value of each); JetStream's own `Nats-*` headers included.
 * Read off the entries in one pass: `get` searches every key again for each one.
 */
export function fromMsgHdrs(h: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!h) return record;
  for (const [key, values] of h) record[key] = values[0] ?? '';
  return record;
}
