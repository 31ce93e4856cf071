/**
 * The bench's REST client: what any client of Chainmail does, nothing more. Every call carries
 * the admin token the server under measurement was started with.
 */
export interface RunView {
  id: string;
  status: string;
  stepsTotal: number;
  stepsSucceeded: number;
}

export class BenchApi {
  private readonly auth: Record<string, string>;

  constructor(
    readonly base: string,
    readonly token: string,
  ) {
    this.auth = { authorization: `Bearer ${token}` };
  }

  async publish(definition: string): Promise<void> {
    const res = await fetch(`${this.base}/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...this.auth },
      body: definition,
    });
    if (!res.ok) throw new Error(`publishing a bench workflow answered ${res.status}: ${await res.text()}`);
  }

  /** `POST /v1/workflows/:name/runs`: 202 `{runId}` at once, or with `wait` the outcome (200) when it ends. */
  async start(
    workflow: string,
    inputs: Record<string, unknown>,
    wait = false,
  ): Promise<{ runId: string; status: string; httpStatus: number }> {
    const res = await fetch(`${this.base}/v1/workflows/${workflow}/runs${wait ? '?wait=true' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth },
      body: JSON.stringify({ inputs }),
    });
    if (res.status !== 200 && res.status !== 202) {
      throw new Error(`starting a run of ${workflow} answered ${res.status}: ${await res.text()}`);
    }
    const body = (await res.json()) as { runId: string; status?: string };
    return { runId: body.runId, status: body.status ?? 'accepted', httpStatus: res.status };
  }

  /** `GET /v1/runs/:id`; undefined while the run is too new to be found (404). */
  async run(id: string): Promise<RunView | undefined> {
    const res = await fetch(`${this.base}/v1/runs/${id}`, { headers: this.auth });
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    if (!res.ok) throw new Error(`reading run ${id} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as RunView;
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
    const res = await fetch(`${this.base}/v1/runs?${params}`, { headers: this.auth });
    if (!res.ok) throw new Error(`listing runs answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { runs: RunView[]; nextCursor: string | null };
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
}

export const TERMINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);
