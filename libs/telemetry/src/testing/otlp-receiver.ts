import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceExport, type ReceivedSpan } from './otlp-json';

export type { ReceivedEvent, ReceivedSpan, ReceivedValue } from './otlp-json';

/** Test support: a local stand-in for Jaeger's OTLP/HTTP port. */
export interface OtlpReceiver {
  /** The traces URL to give `initTelemetry({ otlpEndpoint })`: `http://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Resolves with all spans once `predicate(allSpans)` holds; rejects after `timeoutMs`. */
  waitForSpans(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  /** How many export requests arrived (including rejected ones). */
  requests(): number;
  stop(): Promise<void>;
}

const TRACES_PATH = '/v1/traces';

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) accepting OTLP/HTTP JSON trace exports,
 * gzip or not, as sent by `@opentelemetry/exporter-trace-otlp-http`.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const listeners = new Set<() => void>();
  let requestCount = 0;

  const server = createServer((req, res) => {
    requestCount += 1;
    handle(req, res)
      .then((spans) => {
        if (spans.length === 0) return;
        received.push(...spans);
        for (const listener of [...listeners]) listener();
      })
      // A client that hung up mid-request: nothing to record.
      .catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${TRACES_PATH}`,
    spans: () => [...received],
    requests: () => requestCount,
    waitForSpans(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(received)) return;
          settle();
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          settle();
          const names = received.map((s) => `${s.serviceName}/${s.name}`).join(', ');
          reject(new Error(`OTLP receiver: spans not as expected within ${timeoutMs} ms; got [${names}]`));
        }, timeoutMs);
        const settle = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Answers the request and returns the spans it carried (none when it was rejected). */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<ReceivedSpan[]> {
  const body = await readBody(req);
  if (req.method !== 'POST' || req.url?.split('?')[0] !== TRACES_PATH) {
    reply(res, 404, { error: 'not found' });
    return [];
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    reply(res, 415, { error: 'only OTLP/HTTP JSON is accepted' });
    return [];
  }
  try {
    const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    const spans = decodeTraceExport(JSON.parse(raw.toString('utf8')));
    reply(res, 200, {});
    return spans;
  } catch (err) {
    reply(res, 400, { error: (err as Error).message });
    return [];
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
