import { awaitsCall } from '@chainmail/engine';
// A state query, not a decision: the states come from a scripted run.
import { definitionOf, failure, RunScript } from './testing/run-script';

const flow = definitionOf(`
name: flow
steps:
  - id: call
    agent: model@
    timeout: 1m
    retry: { max: 2, delay: 1s, jitter: false }
  - id: after
    agent: echo@
    input: "{{ call.output }}"
`);

const first = { stepId: 'call', visit: 1, attempt: 1 };

describe('awaitsCall', () => {
  it('is true for the attempt a StepStarted just began', () => {
    const run = new RunScript(flow);
    run.start();
    expect(awaitsCall(run.state, first)).toBe(true);
  });

  it('is false for another attempt, another visit or a step not started', () => {
    const run = new RunScript(flow);
    run.start();
    expect(awaitsCall(run.state, { ...first, attempt: 2 })).toBe(false);
    expect(awaitsCall(run.state, { ...first, visit: 2 })).toBe(false);
    expect(awaitsCall(run.state, { stepId: 'after', visit: 1, attempt: 1 })).toBe(false);
  });

  it('is false once the attempt ended, and true for the retry that follows', () => {
    const run = new RunScript(flow);
    run.start();
    run.complete('call', failure('AGENT_FAILED', true));
    expect(awaitsCall(run.state, first)).toBe(false);
    run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 }, 1_000);
    expect(awaitsCall(run.state, { ...first, attempt: 2 })).toBe(true);
    run.succeed('call', 'fine');
    expect(awaitsCall(run.state, { ...first, attempt: 2 })).toBe(false);
  });

  it('is false while the attempt is deferred for a slot, and true again once resumed', () => {
    const run = new RunScript(flow);
    run.start();
    run.when({ type: 'DeferStep', data: { ...first, reason: 'model@ is at its concurrency limit (1)' } });
    expect(awaitsCall(run.state, first)).toBe(false);
    run.fire({ kind: 'resume', ...first, deferral: 1 }, 250);
    expect(awaitsCall(run.state, first)).toBe(true);
  });

  it('is false once an agent mail went out for the attempt', () => {
    const run = new RunScript(flow);
    run.agents = { 'model@': { kind: 'email', replyTimeoutMs: 60_000 } };
    run.start();
    run.when({
      type: 'RecordAgentMail',
      data: { ...first, messageId: '<m@x>', to: 'model@example.com', subject: 'flow: call' },
    });
    expect(awaitsCall(run.state, first)).toBe(false);
  });

  it('is false after the run ended', () => {
    const run = new RunScript(flow);
    run.start();
    run.cancel();
    expect(awaitsCall(run.state, first)).toBe(false);
  });
});
