import { createHmac } from 'node:crypto';
import type { TerminalEvent } from './delivery-plan';
import { stepOf, type RunSoFar } from './mail-composer';
import { renderOutputSetting } from './output-template';
import { stepOrder } from './run-summary';

/** The body of an outbound webhook: the run's outcome and a summary of its steps. */
export interface WebhookPayload {
  runId: string;
  workflow: string;
  version: number;
  status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  output: string | null;
  error: { code: string; message: string; stepId?: string } | null;
  steps: {
    id: string;
    status: string;
    agent: string | null;
    attempts: number;
    durationMs: number | null;
    error: { code: string; message: string } | null;
  }[];
  startedAt: string | null;
  endedAt: string;
  durationMs: number;
}

export function webhookPayload(run: RunSoFar, event: TerminalEvent): WebhookPayload {
  const { facts } = run;
  const steps = stepOrder(run.events).map((id) => {
    const step = stepOf(run.run, id);
    return {
      id,
      status: step?.status ?? 'unknown',
      agent: step?.agent ?? null,
      attempts: step?.attempts ?? 0,
      durationMs: step?.durationMs ?? null,
      error: step?.error ? { code: step.error.code, message: step.error.message } : null,
    };
  });
  const base = {
    runId: facts.runId,
    workflow: facts.workflow,
    version: facts.version,
    steps,
    startedAt: run.run.startedAt || null,
    endedAt: event.at,
    durationMs: event.data.durationMs,
  };
  switch (event.type) {
    case 'RunSucceeded':
      return { ...base, status: 'succeeded', output: event.data.output, error: null };
    case 'RunFailed': {
      const { code, message, stepId } = event.data.error;
      return {
        ...base,
        status: 'failed',
        output: null,
        error: { code, message, ...(stepId ? { stepId } : {}) },
      };
    }
    case 'RunTimedOut': {
      const message =
        event.data.message ?? run.run.error?.message ?? `the run took longer than ${event.data.timeoutMs} ms`;
      const stepId = event.data.stepId;
      return {
        ...base,
        status: 'timed_out',
        output: null,
        error: { code: 'RUN_TIMEOUT', message, ...(stepId ? { stepId } : {}) },
      };
    }
    case 'RunCancelled':
      return {
        ...base,
        status: 'cancelled',
        output: null,
        error: { code: 'RUN_CANCELLED', message: `cancelled by ${event.data.by}: ${event.data.reason}` },
      };
  }
}

/** `X-Chainmail-Signature`: `sha256=` and the hex HMAC-SHA256 of the exact body bytes. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Where the webhook goes: `output.url`, rendered; undefined when that is not an http(s) URL. */
export function webhookUrl(run: RunSoFar): string | undefined {
  const url = renderOutputSetting(run.run, run.facts.definition, run.facts.definition.output.url, '');
  return /^https?:\/\/\S+$/.test(url) ? url : undefined;
}
