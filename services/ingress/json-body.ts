import type { IncomingMessage } from 'node:http';

/** Nesting of a JSON request body at most: deeper data breaks every recursive reader after it. */
export const MAX_JSON_DEPTH = 64;

/** The routes whose body is a workflow definition, read as text (its parser gives line and column). */
const DEFINITION_ROUTES = new Set(['/v1/workflows', '/v1/workflows/validate']);

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export function isJson(req: IncomingMessage): boolean {
  const type = mediaType(req);
  return type === 'application/json' || type.endsWith('+json');
}

/** A definition sent as JSON is not parsed here: the definition parser reads it, bounded, on a worker. */
export function isDefinitionUpload(req: IncomingMessage): boolean {
  const path = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
  return req.method === 'POST' && DEFINITION_ROUTES.has(path);
}

/**
 * Refuses (422) a JSON body nested deeper than `maxDepth`, in one pass over the bytes before
 * JSON.parse: a megabyte of `[` parses, then overflows the stack of whatever walks it.
 */
export function checkJsonDepth(body: Buffer, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxDepth) {
        throw Object.assign(
          new Error(
            `JSON nested more than ${maxDepth} levels deep (at byte ${i}); the limit is ${maxDepth}: send flatter data`,
          ),
          { status: 422, type: 'entity.too.deep' },
        );
      }
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
}
