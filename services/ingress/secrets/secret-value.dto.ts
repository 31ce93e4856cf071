import { ChainmailError } from '@chainmail/contracts';

/**
 * A secret's value from a request body: `text/plain` (the bytes as sent) or JSON `{"value": "…"}`.
 * The value is never part of an error message.
 */
export function secretValueOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const value = (body as Record<string, unknown>).value;
    if (typeof value === 'string') return value;
  }
  throw new ChainmailError(
    'BAD_REQUEST',
    'Send the value as JSON {"value": "…"} or as a text/plain body (chainmail secrets set NAME < file).',
  );
}
