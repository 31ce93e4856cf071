import type { NextFunction, Request, Response } from 'express';

export type HookBody = { raw: Buffer } | { tooLarge: true; bytes: number; limit: number };

/** A webhook request with its body as bytes (the signature is over exactly these). */
export interface HookRequest extends Request {
  hookBody?: HookBody;
}

/**
 * Reads a `/hooks` request body as raw bytes, whatever its content type, up to `limit`. Past the
 * limit it keeps nothing more (the rest is read and dropped) and marks the body too large, so the
 * handler can record the refusal and answer 413; the JSON and text parsers then skip the request.
 */
export function readHookBody(limit: number) {
  return (req: HookRequest, _res: Response, next: NextFunction): void => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.once('end', () => {
      req.hookBody = over
        ? { tooLarge: true, bytes: Math.max(bytes, declared || 0), limit }
        : { raw: Buffer.concat(chunks) };
      next();
    });
    req.once('error', next);
  };
}
