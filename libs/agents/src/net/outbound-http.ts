import { lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AgentError } from '../agent';
import type { OutboundGuard } from './network-policy';

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborting it destroys the request; the caller decides what the abort means. */
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The URL that answered (after same-origin redirects). */
  url: string;
}

/** A network-level failure: nothing (or nothing complete) came back. Worth another attempt. */
export class OutboundFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'OutboundFailure';
  }
}

const MAX_REDIRECTS = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * POSTs through the guard: every connection goes to an address the guard checked, IP literals
 * included. Redirects are followed only when they keep the method and body (307/308) and stay on
 * the same origin; any other 3xx is returned as is, for the caller to refuse.
 */
export class OutboundHttp {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly guard: OutboundGuard,
    private readonly maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    // Agents of their own: a pooled socket is always one this guard connected.
    this.httpAgent = new HttpAgent({ keepAlive: true, lookup: guard.lookup } as ConstructorParameters<
      typeof HttpAgent
    >[0]);
    this.httpsAgent = new HttpsAgent({ keepAlive: true, lookup: guard.lookup } as ConstructorParameters<
      typeof HttpsAgent
    >[0]);
  }

  async post(request: OutboundRequest): Promise<OutboundResponse> {
    let url = new URL(request.url);
    for (let hop = 0; ; hop++) {
      const response = await this.once(url, request);
      const location = response.headers.location;
      if (![307, 308].includes(response.status) || location === undefined || hop >= MAX_REDIRECTS)
        return response;
      const next = new URL(location, url);
      if (next.origin !== url.origin) return response;
      url = next;
    }
  }

  /** Closes pooled connections (tests; an adapter replaced in the directory). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private once(url: URL, request: OutboundRequest): Promise<OutboundResponse> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(
        new AgentError('AGENT_FAILED', `${url.protocol} URLs are not supported; use http or https`, false),
      );
    }
    // An endpoint the operator configured is trusted as is; everything else is checked.
    const trusted = this.guard.originAllowed(url);
    try {
      if (!trusted) this.guard.checkLiteral(url.hostname);
    } catch (err) {
      return Promise.reject(err);
    }
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const body = Buffer.from(request.body, 'utf8');
    return new Promise<OutboundResponse>((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          lookup: trusted ? dnsLookup : this.guard.lookup,
          headers: { ...request.headers, 'Content-Length': String(body.length) },
          signal: request.signal,
        } as Parameters<typeof httpRequest>[1],
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) {
              res.destroy();
              reject(
                new AgentError(
                  'AGENT_FAILED',
                  `${url.host} answered with more than ${this.maxResponseBytes} bytes`,
                  false,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) => reject(toFailure(err, url)));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              url: url.toString(),
            }),
          );
        },
      );
      req.on('error', (err) => reject(toFailure(err, url)));
      req.end(body);
    });
  }
}

function toFailure(err: unknown, url: URL): Error {
  if (err instanceof AgentError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError') return e;
  return new OutboundFailure(`could not reach ${url.host}: ${e.code ?? e.message}`, e.code);
}
