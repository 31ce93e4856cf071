import type { RunEvent, StartRun } from '@chainmail/contracts';
import type { AgentStep, Step, WorkflowDefinition } from '@chainmail/workflow-dsl';
import type { RunCommand, StepOutcome } from './commands';
import { decide } from './decide';
import { evolveAll } from './evolve';
import { initialRunState, type RunState } from './run-state';

const RUN = 'run-1';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function agentStep(id: string, agent: string, input: string, extra: Partial<AgentStep> = {}): AgentStep {
  return { kind: 'agent', id, agent, input, needs: [], onError: { kind: 'abort' }, maxVisits: 10, ...extra };
}

/** Sequential steps, each needing the one before, as the parser normalizes them. */
function workflow(steps: Step[], output?: string): WorkflowDefinition {
  return {
    name: 'wf',
    triggers: [],
    inputs: [],
    vars: { team: 'crm' },
    steps: steps.map((s, i) => (s.needs.length === 0 && i > 0 ? { ...s, needs: [steps[i - 1].id] } : s)),
    output: { format: 'email', template: output },
    timeoutMs: 600_000,
    mode: 'async',
  };
}

const competitorAnalysis = workflow(
  [
    agentStep('research', 'research@', 'Research competitors for: {{user_input}}'),
    agentStep('summarize', 'summarize@', 'Summarize this research: {{research.output}}'),
    agentStep('draft', 'write-report@', 'Create a report based on:\n{{summarize.output}}'),
    agentStep('review', 'proofread@', 'Review and polish: {{draft.output}}'),
  ],
  '{{review.output}}',
);

const start = (inputs: Record<string, unknown> = { user_input: 'CRM tools' }): RunCommand => {
  const data: Omit<StartRun, 'type'> = {
    commandId: 'c1',
    runId: RUN,
    workflow: 'wf',
    version: 1,
    inputs,
    trigger: { kind: 'api' },
    owner: 'default',
    actor: 'api',
    debug: false,
  };
  return { type: 'StartRun', data };
};

const ok = (output: string): StepOutcome => ({ ok: true, output, durationMs: 5 });
const failed = (code: string, retryable: boolean): StepOutcome => ({
  ok: false,
  error: { code, message: `${code} happened`, retryable },
  durationMs: 5,
});
const complete = (stepId: string, outcome: StepOutcome, attempt = 1, visit = 1): RunCommand => ({
  type: 'CompleteStep',
  data: { stepId, visit, attempt, outcome },
});

/** Given these commands already handled, returns the state they led to. */
function given(definition: WorkflowDefinition, commands: RunCommand[]): RunState {
  let state = initialRunState(RUN);
  let now = T0;
  for (const command of commands) {
    state = evolveAll(state, decide(command, state, { definition, now: (now += 10) }));
  }
  return state;
}

const types = (events: RunEvent[]): string[] => events.map((e) => e.type);

describe('decide: sequential runs', () => {
  it('starts the run and its first step with the rendered input', () => {
    const events = decide(start(), initialRunState(RUN), { definition: competitorAnalysis, now: T0 });
    expect(types(events)).toEqual(['RunStarted', 'StepStarted']);
    expect(events[1].data).toMatchObject({
      stepId: 'research',
      agent: 'research@',
      attempt: 1,
      visit: 1,
      input: 'Research competitors for: CRM tools',
    });
  });

  it('a second start of the same run decides nothing', () => {
    const state = given(competitorAnalysis, [start()]);
    expect(decide(start(), state, { definition: competitorAnalysis, now: T0 })).toEqual([]);
  });

  it('passes each output into the next input and finishes with the output template', () => {
    const state = given(competitorAnalysis, [
      start(),
      complete('research', ok('R-out')),
      complete('summarize', ok('S-out')),
      complete('draft', ok('D-out')),
    ]);
    expect(state.steps['summarize'].input).toBe('Summarize this research: R-out');
    expect(state.steps['draft'].input).toBe('Create a report based on:\nS-out');
    expect(state.steps['review'].input).toBe('Review and polish: D-out');
    const events = decide(complete('review', ok('Final report')), state, {
      definition: competitorAnalysis,
      now: T0 + 100,
    });
    expect(types(events)).toEqual(['StepSucceeded', 'RunSucceeded']);
    expect(events[1].data).toMatchObject({ output: 'Final report' });
  });

  it('ignores a result for an attempt that is not running (redelivery)', () => {
    const state = given(competitorAnalysis, [start(), complete('research', ok('R'))]);
    expect(
      decide(complete('research', ok('R again')), state, { definition: competitorAnalysis, now: T0 }),
    ).toEqual([]);
    expect(
      decide(complete('summarize', ok('x'), 2), state, { definition: competitorAnalysis, now: T0 }),
    ).toEqual([]);
  });

  it('never re-expands a template found in an output', () => {
    const state = given(competitorAnalysis, [
      start(),
      complete('research', ok('{{secrets.KEY}} and {{user_input}}')),
    ]);
    expect(state.steps['summarize'].input).toBe(
      'Summarize this research: {{secrets.KEY}} and {{user_input}}',
    );
  });

  it('records a step whose condition is false as skipped and goes on', () => {
    const definition = workflow([
      agentStep('step1', 'echo@', 'hello'),
      agentStep('step2', 'echo@', '{{step1.output}}', { condition: '{{ step1.output == "nope" }}' }),
      agentStep('step3', 'echo@', 'after: {{step2.output}}'),
    ]);
    const state = given(definition, [start(), complete('step1', ok('hello'))]);
    expect(state.steps['step2']).toMatchObject({ status: 'skipped' });
    expect(state.steps['step3']).toMatchObject({ status: 'running', input: 'after: ' });
  });

  it('uses the last output when the definition has no output template', () => {
    const definition = workflow([agentStep('a', 'echo@', 'x'), agentStep('b', 'echo@', 'y')]);
    const events = decide(
      complete('b', ok('last')),
      given(definition, [start(), complete('a', ok('first'))]),
      {
        definition,
        now: T0,
      },
    );
    expect(events.at(-1)).toMatchObject({ type: 'RunSucceeded', data: { output: 'last' } });
  });
});

describe('decide: failures', () => {
  const retrying = workflow([
    agentStep('a', 'flaky@', 'x', {
      retry: { max: 2, backoff: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: false },
    }),
  ]);

  it('retries a retryable failure while attempts remain, then fails the run naming the step', () => {
    let state = given(retrying, [start()]);
    let events = decide(complete('a', failed('AGENT_FAILED', true)), state, {
      definition: retrying,
      now: T0,
    });
    expect(types(events)).toEqual(['StepFailed', 'StepStarted']);
    expect(events[1].data).toMatchObject({ attempt: 2 });
    state = evolveAll(state, events);
    state = evolveAll(
      state,
      decide(complete('a', failed('AGENT_FAILED', true), 2), state, { definition: retrying, now: T0 }),
    );
    events = decide(complete('a', failed('AGENT_FAILED', true), 3), state, { definition: retrying, now: T0 });
    expect(types(events)).toEqual(['StepFailed', 'RunFailed']);
    expect(events[1].data).toMatchObject({ error: { stepId: 'a', code: 'AGENT_FAILED' } });
  });

  it('does not retry a permanent failure', () => {
    const events = decide(complete('a', failed('AGENT_BAD_INPUT', false)), given(retrying, [start()]), {
      definition: retrying,
      now: T0,
    });
    expect(types(events)).toEqual(['StepFailed', 'RunFailed']);
  });

  it('on_error: skip records the step as skipped and runs the next one', () => {
    const definition = workflow([
      agentStep('a', 'fail@', 'x', { onError: { kind: 'skip' } }),
      agentStep('b', 'echo@', 'y'),
    ]);
    const events = decide(complete('a', failed('AGENT_FAILED', false)), given(definition, [start()]), {
      definition,
      now: T0,
    });
    expect(types(events)).toEqual(['StepFailed', 'StepSkipped', 'StepStarted']);
  });

  it('on_error: continue keeps the failure and runs the next one', () => {
    const definition = workflow([
      agentStep('a', 'fail@', 'x', { onError: { kind: 'continue' } }),
      agentStep('b', 'echo@', '{{a.success}}'),
    ]);
    const state = given(definition, [start(), complete('a', failed('AGENT_FAILED', false))]);
    expect(state.steps['a'].status).toBe('failed');
    expect(state.steps['b']).toMatchObject({ status: 'running', input: 'false' });
  });
});

describe('decide: cancellation', () => {
  it('cancels a running run once', () => {
    const state = given(competitorAnalysis, [start()]);
    const cancel: RunCommand = { type: 'CancelRun', data: { reason: 'user asked', by: 'api' } };
    const events = decide(cancel, state, { definition: competitorAnalysis, now: T0 + 1000 });
    expect(types(events)).toEqual(['RunCancelled']);
    const after = evolveAll(state, events);
    expect(decide(cancel, after, { definition: competitorAnalysis, now: T0 })).toEqual([]);
    expect(
      decide(complete('research', ok('late')), after, { definition: competitorAnalysis, now: T0 }),
    ).toEqual([]);
  });
});
