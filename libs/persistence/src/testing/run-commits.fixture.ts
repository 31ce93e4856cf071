import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';

/** Builders of run commits for projection tests: one run, one clock, readable call sites. */
export class RunLogFixture {
  private tick = 0;

  constructor(
    readonly runId: string,
    private readonly base = Date.parse('2030-01-01T00:00:00.000Z'),
  ) {}

  /** A distinct, increasing event time. */
  at(): string {
    return new Date(this.base + 1000 * this.tick++).toISOString();
  }

  commit(seq: number, ...events: RunEvent[]): StoredRunCommit {
    return { runId: this.runId, prev: 0, seq, events };
  }

  started(
    workflow = 'digest',
    inputs: Record<string, unknown> = { topic: 'crm' },
    owner = 'team-a',
  ): RunEvent {
    return makeRunEvent('RunStarted', this.runId, this.at(), {
      workflow,
      version: 3,
      inputs,
      trigger: { kind: 'api', details: { path: '/v1' } },
      owner,
      actor: 'alice',
      debug: false,
      commandId: `cmd-${this.runId}`,
      timeoutMs: 60_000,
    });
  }

  stepStarted(stepId: string, attempt = 1, visit = 1): RunEvent {
    return makeRunEvent('StepStarted', this.runId, this.at(), {
      stepId,
      visit,
      attempt,
      agent: `${stepId}@`,
      input: `input of ${stepId} #${attempt}`,
    });
  }

  stepSucceeded(stepId: string, attempt = 1, visit = 1): RunEvent {
    return makeRunEvent('StepSucceeded', this.runId, this.at(), {
      stepId,
      visit,
      attempt,
      output: `output of ${stepId} #${attempt}`,
      usage: { promptTokens: 10, completionTokens: 5 },
      durationMs: 40,
    });
  }

  stepFailed(stepId: string, attempt = 1, visit = 1, retryable = true): RunEvent {
    return makeRunEvent('StepFailed', this.runId, this.at(), {
      stepId,
      visit,
      attempt,
      error: { code: 'AGENT_TIMEOUT', message: `attempt ${attempt} timed out`, retryable },
      durationMs: 30,
    });
  }

  stepSkipped(stepId: string, visit = 1): RunEvent {
    return makeRunEvent('StepSkipped', this.runId, this.at(), { stepId, visit, reason: 'condition false' });
  }

  succeeded(output = 'done'): RunEvent {
    return makeRunEvent('RunSucceeded', this.runId, this.at(), { output, durationMs: 1234 });
  }

  failed(stepId = 'research'): RunEvent {
    return makeRunEvent('RunFailed', this.runId, this.at(), {
      error: { code: 'STEP_FAILED', message: 'step failed', retryable: false, stepId },
      durationMs: 999,
    });
  }

  cancelled(): RunEvent {
    return makeRunEvent('RunCancelled', this.runId, this.at(), {
      reason: 'no longer needed',
      by: 'bob',
      durationMs: 50,
    });
  }
}
