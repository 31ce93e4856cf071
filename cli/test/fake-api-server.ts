import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Chainmail's REST API on 127.0.0.1 and a free port: routes answer as the spec
 * says the real server does, and every request is recorded for assertions.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Routes are keyed `"METHOD /path"` (no query string). */
  static async start(routes: Record<string, Route>): Promise<FakeApiServer> {
    let fake: FakeApiServer | undefined; // eslint-disable-line prefer-const -- assigned once the port is known, read by the handler before
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        fake?.requests.push(recorded);
        const route = routes[`${recorded.method} ${recorded.path}`];
        if (!route)
          return sendJson(res, 404, {
            error: { code: 'NOT_FOUND', message: `no route ${recorded.method} ${recorded.path}` },
          });
        void Promise.resolve(route(recorded, res)).catch((err: unknown) =>
          sendJson(res, 500, { error: { code: 'INTERNAL', message: String(err) } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeApiServer(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  last(method: string, path: string): RecordedRequest | undefined {
    return [...this.requests].reverse().find((r) => r.method === method && r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes an SSE stream in the given raw pieces (so tests can split frames anywhere), then ends it. */
export async function sendSse(res: ServerResponse, pieces: readonly string[], gapMs = 1): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  for (const piece of pieces) {
    res.write(piece);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  res.end();
}

/** One SSE frame per event, as `data: <json>`. */
export function sseFrames(events: readonly unknown[]): string[] {
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`);
}
