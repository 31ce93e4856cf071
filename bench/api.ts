import { Agent, request } from 'node:http';

/**
 * The bench's REST client: what any client of Chainmail does, nothing more. Every call carries
 * the admin token the server under measurement was started with.
 *
 * It is `node:http` over one keep-alive agent rather than `fetch`: the bench runs on the same
 * machine as the server under test (two cores, in the reference setup), so every millisecond of
 * CPU the load generator spends is taken from the server. At concurrency 16, `fetch` (undici)
 * took about 1.4 ms of CPU per run with `?wait=true` and 2.2 ms polling; `node:http` takes about
 * 0.45 and 1.05.
 */
export interface RunView {
  id: string;
  status: string;
  stepsTotal: number;
  stepsSucceeded: number;
}

/** A response read whole: the status and the body as text. */
interface Answer {
  status: number;
  text: string;
}

/** Sockets kept open to the server; each client has at most one request in flight. */
const DEFAULT_MAX_SOCKETS = 64;

export class BenchApi {
  private readonly auth: Record<string, string>;
  private readonly agent: Agent;

  /** `maxSockets`: at least the number of concurrent clients, so that none waits for a socket. */
  constructor(
    readonly base: string,
    readonly token: string,
    maxSockets = DEFAULT_MAX_SOCKETS,
  ) {
    this.auth = { authorization: `Bearer ${token}` };
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  async publish(definition: string): Promise<void> {
    const res = await this.send('POST', '/v1/workflows', { type: 'application/yaml', body: definition });
    if (!ok(res)) throw new Error(`publishing a bench workflow answered ${res.status}: ${res.text}`);
  }

  /** `POST /v1/workflows/:name/runs`: 202 `{runId}` at once, or with `wait` the outcome (200) when it ends. */
  async start(
    workflow: string,
    inputs: Record<string, unknown>,
    wait = false,
  ): Promise<{ runId: string; status: string; httpStatus: number }> {
    const res = await this.send('POST', `/v1/workflows/${workflow}/runs${wait ? '?wait=true' : ''}`, {
      type: 'application/json',
      body: JSON.stringify({ inputs }),
    });
    if (res.status !== 200 && res.status !== 202) {
      throw new Error(`starting a run of ${workflow} answered ${res.status}: ${res.text}`);
    }
    const body = JSON.parse(res.text) as { runId: string; status?: string };
    return { runId: body.runId, status: body.status ?? 'accepted', httpStatus: res.status };
  }

  /** `GET /v1/runs/:id`; undefined while the run is too new to be found (404). */
  async run(id: string): Promise<RunView | undefined> {
    const res = await this.send('GET', `/v1/runs/${id}`);
    if (res.status === 404) return undefined;
    if (!ok(res)) throw new Error(`reading run ${id} answered ${res.status}: ${res.text}`);
    return JSON.parse(res.text) as RunView;
  }

  /** One page of `GET /v1/runs` (newest first). */
  async list(query: {
    workflow: string;
    status?: string;
    limit?: number;
    before?: string;
  }): Promise<{ runs: RunView[]; nextCursor: string | null }> {
    const params = new URLSearchParams({ workflow: query.workflow, limit: String(query.limit ?? 500) });
    if (query.status) params.set('status', query.status);
    if (query.before) params.set('before', query.before);
    const res = await this.send('GET', `/v1/runs?${params}`);
    if (!ok(res)) throw new Error(`listing runs answered ${res.status}: ${res.text}`);
    return JSON.parse(res.text) as { runs: RunView[]; nextCursor: string | null };
  }

  /** Every listed run of a workflow with a status, page by page. */
  async listAll(workflow: string, status: string): Promise<RunView[]> {
    const all: RunView[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.list({ workflow, status, before });
      all.push(...page.runs);
      if (!page.nextCursor) return all;
      before = page.nextCursor;
    }
  }

  /** One request over the keep-alive agent; the body is read whole (which frees the socket for reuse). */
  private send(method: string, path: string, content?: { type: string; body: string }): Promise<Answer> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string | number> = { ...this.auth };
    if (content) {
      headers['content-type'] = content.type;
      headers['content-length'] = Buffer.byteLength(content.body);
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', (err) => reject(new Error(`${method} ${url} failed: ${err.message}`, { cause: err })));
      req.end(content?.body);
    });
  }
}

const ok = (res: Answer): boolean => res.status >= 200 && res.status < 300;

export const TERMINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);
