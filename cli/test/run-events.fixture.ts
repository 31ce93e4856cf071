import type { RunEvent, RunEventMap, RunEventType } from '@chainmail/contracts';

export const RUN_ID = 'run_01JTEST';
const START = Date.parse('2025-03-01T11:59:00.000Z');

/** A run event as the server sends it, `ms` after the run started. */
export function runEvent<K extends RunEventType>(type: K, ms: number, data: RunEventMap[K]): RunEvent {
  return { type, v: 1, runId: RUN_ID, at: new Date(START + ms).toISOString(), data } as RunEvent;
}

export const runStarted = runEvent('RunStarted', 0, {
  workflow: 'competitor-analysis',
  version: 3,
  inputs: { user_input: 'Analyze our competitors in the CRM space' },
  trigger: { kind: 'cli' },
  owner: 'local',
  actor: 'local',
  debug: false,
  commandId: 'cmd-1',
  timeoutMs: 600_000,
});

/** A run of two steps that succeeds with output "Final report". */
export const succeededRun: RunEvent[] = [
  runStarted,
  runEvent('StepStarted', 1, { stepId: 'research', visit: 1, attempt: 1, agent: 'research@' }),
  runEvent('StepSucceeded', 13, {
    stepId: 'research',
    visit: 1,
    attempt: 1,
    output: 'CRM notes',
    durationMs: 12,
  }),
  runEvent('StepStarted', 14, { stepId: 'summarize', visit: 1, attempt: 1, agent: 'summarize@' }),
  runEvent('StepSucceeded', 1514, {
    stepId: 'summarize',
    visit: 1,
    attempt: 1,
    output: 'Summary',
    durationMs: 1500,
  }),
  runEvent('RunSucceeded', 1520, { output: 'Final report\nwith two lines', durationMs: 1520 }),
];

/** A run whose first step fails twice and takes the run down with it. */
export const failedRun: RunEvent[] = [
  runStarted,
  runEvent('StepStarted', 1, { stepId: 'research', visit: 1, attempt: 1, agent: 'research@' }),
  runEvent('StepFailed', 31, {
    stepId: 'research',
    visit: 1,
    attempt: 1,
    error: { code: 'AGENT_TIMEOUT', message: 'research@ did not answer', retryable: true },
    durationMs: 30,
  }),
  runEvent('StepStarted', 40, { stepId: 'research', visit: 1, attempt: 2, agent: 'research@' }),
  runEvent('StepFailed', 70, {
    stepId: 'research',
    visit: 1,
    attempt: 2,
    error: { code: 'AGENT_TIMEOUT', message: 'research@ did not answer', retryable: true },
    durationMs: 30,
  }),
  runEvent('StepSkipped', 71, { stepId: 'summarize', visit: 1, reason: 'an earlier step failed' }),
  runEvent('RunFailed', 72, {
    error: {
      code: 'AGENT_TIMEOUT',
      message: 'research@ did not answer',
      retryable: false,
      stepId: 'research',
    },
    durationMs: 72,
  }),
];

/** A run whose step is retried once, then the run hits its time limit. */
export const timedOutRun: RunEvent[] = [
  runStarted,
  runEvent('StepStarted', 1, {
    stepId: 'research',
    visit: 1,
    attempt: 1,
    agent: 'research@',
    timeoutMs: 5000,
  }),
  runEvent('StepFailed', 5001, {
    stepId: 'research',
    visit: 1,
    attempt: 1,
    error: { code: 'AGENT_TIMEOUT', message: 'no answer in 5 s', retryable: true },
    durationMs: 5000,
  }),
  runEvent('StepRetryScheduled', 5002, {
    stepId: 'research',
    visit: 1,
    attempt: 1,
    dueAt: '2025-03-01T11:59:07.002Z',
    delayMs: 2000,
  }),
  runEvent('RunTimedOut', 6000, { timeoutMs: 6000, durationMs: 6000, stepId: 'research' }),
];
