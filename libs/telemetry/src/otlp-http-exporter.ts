import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

export interface OtlpHttpExporterOptions {
  /** The collector's traces URL, e.g. `http://jaeger:4318/v1/traces`. */
  readonly url: string;
  /** Per request. */
  readonly timeoutMs?: number;
  /** Further attempts after a network error or a 429/502/503/504, with backoff; none once shutting down. */
  readonly retries?: number;
}

type Outcome =
  { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly error: Error };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const FIRST_RETRY_DELAY_MS = 250;

/**
 * Sends spans to an OTLP/HTTP collector as JSON (`application/json`), serialized by the same
 * serializer as `@opentelemetry/exporter-trace-otlp-http`. Not that exporter itself: it loads
 * `node:http` through a dynamic `import()`, which jest's VM refuses without
 * `--experimental-vm-modules`, so every span sent from a test would be silently lost.
 */
export class OtlpHttpJsonSpanExporter implements SpanExporter {
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly agent: HttpAgent;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(options: OtlpHttpExporterOptions) {
    this.url = new URL(options.url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopping) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OTLP exporter is shut down') });
      return;
    }
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error('OTLP: spans could not be serialized'),
      });
      return;
    }
    const sending = this.send(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  private async send(body: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.post(body);
      if (outcome.ok) return;
      if (!outcome.retryable || attempt >= this.retries || this.stopping) throw outcome.error;
      await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_DELAY_MS * 2 ** attempt).unref());
    }
  }

  private post(body: Uint8Array): Promise<Outcome> {
    const options: RequestOptions = {
      method: 'POST',
      agent: this.agent,
      headers: { 'content-type': 'application/json', 'content-length': body.byteLength },
    };
    return new Promise((resolve) => {
      const onResponse = (res: IncomingMessage): void => {
        res.resume(); // the body (a partial-success notice at most) is not needed
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ ok: true });
        const error = new Error(`OTLP export to ${this.url.href} failed: HTTP ${status}`);
        resolve({ ok: false, retryable: RETRYABLE_STATUS.has(status), error });
      };
      const req: ClientRequest =
        this.url.protocol === 'https:'
          ? httpsRequest(this.url, options, onResponse)
          : httpRequest(this.url, options, onResponse);
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`OTLP export to ${this.url.href} timed out`)),
      );
      req.on('error', (error) => resolve({ ok: false, retryable: true, error }));
      req.end(body);
    });
  }
}
