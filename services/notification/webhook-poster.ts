import { SendFailure } from './send-failure';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Posts a webhook; throws `SendFailure` (transient or permanent) when the receiver does not take it. */
export interface WebhookPoster {
  post(request: WebhookRequest): Promise<void>;
}

/** Statuses worth another attempt: the receiver is busy, limited or broken for now. */
const TRANSIENT_STATUS = new Set([408, 425, 429]);

export class FetchWebhookPoster implements WebhookPoster {
  constructor(private readonly timeoutMs: number) {}

  async post(request: WebhookRequest): Promise<void> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // A redirect would turn the POST into a GET elsewhere: the receiver must give the real URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SendFailure(`POST ${request.url} failed: ${describe(err)}`, false);
    }
    const excerpt = (await response.text().catch(() => '')).slice(0, 300);
    if (response.status >= 200 && response.status < 300) return;
    const transient = response.status >= 500 || TRANSIENT_STATUS.has(response.status);
    throw new SendFailure(
      `POST ${request.url} answered ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
      !transient,
    );
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'no answer in time';
  return cause?.code ? `${cause.code} ${cause.message ?? ''}`.trim() : err.message;
}
