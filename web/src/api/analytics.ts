import type { AgentAnalytics, AnalyticsOverview, WorkflowAnalytics } from '@chainmail/contracts';
import { call, enc, query } from './api';

/** The analytics API (`/v1/analytics/…`) and the server settings the console links by. */

export interface AnalyticsWindow {
  /** ISO times; absent: the server's default (the last 7 days, until now). */
  since?: string;
  until?: string;
}

export interface ConsoleConfig {
  /** A trace viewer's address with `{traceId}` for the id; null when none is configured. */
  traceUrlTemplate: string | null;
}

export const analyticsApi = {
  overview: (window: AnalyticsWindow) =>
    call<AnalyticsOverview>('GET', `/v1/analytics/overview${query({ ...window })}`),
  agents: (window: AnalyticsWindow) =>
    call<AgentAnalytics>('GET', `/v1/analytics/agents${query({ ...window })}`),
  workflow: (name: string, window: AnalyticsWindow & { version?: number }) =>
    call<WorkflowAnalytics>('GET', `/v1/analytics/workflows/${enc(name)}${query({ ...window })}`),
  consoleConfig: () => call<ConsoleConfig>('GET', '/v1/console/config'),
};
