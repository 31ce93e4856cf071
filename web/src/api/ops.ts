import type { PendingApproval, ScheduleSummary } from '@chainmail/contracts';
import { call, enc } from './api';

/**
 * The operator's calls: what waits for a decision, step-by-step debugging, rewind and fork, and
 * pausing schedules. Each acts with the signed-in identity's rights, like every other call.
 */

/** A window event: this tab decided a checkpoint, so the count in the navigation follows at once. */
export const APPROVALS_CHANGED = 'chainmail:approvals-changed';

export const ops = {
  approvals: () => call<{ approvals: PendingApproval[] }>('GET', '/v1/approvals').then((r) => r.approvals),

  /** A run that pauses before each top-level step (`debug: true`). */
  startDebugRun: (name: string, inputs: Record<string, unknown>) =>
    call<{ runId: string }>('POST', `/v1/workflows/${enc(name)}/runs`, { json: { inputs, debug: true } }),
  step: (id: string, input?: string) =>
    call<{ runId: string; stepId: string }>('POST', `/v1/runs/${enc(id)}/step`, {
      json: input === undefined ? {} : { input },
    }),
  resume: (id: string) =>
    call<{ runId: string; stepId: string }>('POST', `/v1/runs/${enc(id)}/resume`, { json: {} }),
  pause: (id: string) => call<{ runId: string }>('POST', `/v1/runs/${enc(id)}/pause`, { json: {} }),
  rewind: (id: string, step: string) =>
    call<{ runId: string; stepId: string }>('POST', `/v1/runs/${enc(id)}/rewind`, { json: { step } }),
  fork: (id: string, step: string, debug: boolean) =>
    call<{ runId: string }>('POST', `/v1/runs/${enc(id)}/fork`, { json: { step, debug } }),

  schedules: () => call<{ schedules: ScheduleSummary[] }>('GET', '/v1/schedules').then((r) => r.schedules),
  pauseSchedule: (id: string, paused: boolean) =>
    call<{ id: string; paused: boolean }>('POST', `/v1/schedules/${enc(id)}/${paused ? 'pause' : 'resume'}`),
};
