import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { static as serveStatic, type NextFunction, type Request, type Response } from 'express';
import type { ChainmailConfig } from '@chainmail/config';

/**
 * Paths that are never the console's: the API, its page, webhooks, probes, the mail catcher's
 * page, metrics, approval links (`/approvals/<token>`; `/approvals` itself is the console's list).
 */
const SERVER_PATHS = /^\/((v1|docs|hooks|healthz|readyz|mailbox|metrics)(\/|$)|approvals\/)/;

/** Whether a path is the server's, never the console's (a test checks it for every route). */
export const isServerPath = (path: string): boolean => SERVER_PATHS.test(path);
/** Vite's output: names carry a hash of their content, so they never change. */
const HASHED_ASSETS = /^\/assets\//;

/**
 * The web console (web/, built by Vite into web/dist) at `/`: its files as they are, hashed assets
 * cached for a year (`immutable`), and index.html (never cached) for every other GET that is not
 * the server's own, so a link to `/runs/<id>` opens the console on that run. Without a built
 * console, `/` answers 404 as before and a warning says how to build it.
 */
export function serveConsole(app: NestExpressApplication, config: Pick<ChainmailConfig, 'consoleDir'>): void {
  const dir = config.consoleDir === undefined ? findBuiltConsole(__dirname) : resolve(config.consoleDir);
  const index = dir === undefined ? undefined : join(dir, 'index.html');
  if (dir === undefined || index === undefined || !existsSync(index)) {
    new Logger('Console').warn(
      `No web console to serve (${dir === undefined ? 'web/dist not found' : `${index} is missing`}): ` +
        'build it with `npm run build` (or set CHAINMAIL_CONSOLE_DIR to a built console).',
    );
    return;
  }
  const files = serveStatic(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (res: Response, path: string) => {
      const rel = path.slice(dir.length).replace(/\\/g, '/');
      res.setHeader(
        'cache-control',
        HASHED_ASSETS.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  // The server's own paths never reach the files: each would cost a look on disk (a `stat`), and
  // API requests are the hot path.
  app.use((req: Request, res: Response, next: NextFunction) =>
    isServerPath(req.path) ? next() : files(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      isServerPath(req.path) ||
      HASHED_ASSETS.test(req.path)
    )
      return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}

/** web/dist beside the code: from services/ingress/console (tests) or dist/services/ingress/console. */
export function findBuiltConsole(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
