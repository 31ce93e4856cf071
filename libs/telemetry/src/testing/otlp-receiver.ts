import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceExport, type ReceivedSpan } from './otlp-json';
import { protobufToOtlpJson } from './otlp-protobuf';

export type { ReceivedEvent, ReceivedSpan, ReceivedValue } from './otlp-json';

/** Test support: a local stand-in for Jaeger's or a collector's OTLP/HTTP port. */
export interface OtlpReceiver {
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The traces URL, for `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: `http://127.0.0.1:<port>/v1/traces`. */
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
  /** The content type of each export request that was read, in arrival order. */
  contentTypes(): string[];
  stop(): Promise<void>;
}

const TRACES_PATH = '/v1/traces';

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) accepting OTLP/HTTP trace exports, protobuf
 * (`application/x-protobuf`, the SDK's default) or JSON (`application/json`), gzip or not.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const listeners = new Set<() => void>();
  let requestCount = 0;
  const types: string[] = [];

  const server = createServer((req, res) => {
    requestCount += 1;
    handle(req, res)
      .then(({ spans, contentType }) => {
        if (contentType !== undefined) types.push(contentType);
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
    endpoint: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${TRACES_PATH}`,
    spans: () => [...received],
    requests: () => requestCount,
    contentTypes: () => [...types],
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

const DECODERS: Record<string, (body: Buffer) => unknown> = {
  'application/x-protobuf': protobufToOtlpJson,
  'application/json': (body) => JSON.parse(body.toString('utf8')),
};

/** Answers the request and returns the spans it carried (none when it was rejected), and how they came. */
async function handle(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ spans: ReceivedSpan[]; contentType?: string }> {
  const body = await readBody(req);
  if (req.method !== 'POST' || req.url?.split('?')[0] !== TRACES_PATH) {
    reply(res, 404, { error: 'not found' });
    return { spans: [] };
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const decode = DECODERS[contentType];
  if (decode === undefined) {
    reply(res, 415, { error: 'OTLP/HTTP protobuf or JSON only' });
    return { spans: [] };
  }
  try {
    const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    const spans = decodeTraceExport(decode(raw));
    reply(res, 200, {});
    return { spans, contentType };
  } catch (err) {
    reply(res, 400, { error: (err as Error).message });
    return { spans: [] };
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
