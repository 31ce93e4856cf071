import { definitionOf, RunScript, trace } from './testing/run-script';

// The seed's human-in-the-loop example, as examples/human-review.yaml has it.
const humanReview = definitionOf(`
name: human-review
inputs:
  - { name: client, type: string, required: true }
  - { name: client_email, type: string, required: true }
steps:
  - id: draft
    agent: write-contract@
    input: "Draft contract for {{client}}"
  - id: human-review
    type: checkpoint
    message: "Review draft before sending to client"
    timeout: 24h
    actions:
      - approve → continue
      - reject → abort
      - edit → go to step draft
  - id: send
    agent: email-sender@
    input: "Send to {{client_email}}: {{ human-review.input || draft.output }}"
`);
const inputs = { client: 'ACME', client_email: 'legal@acme.test' };

function waitingForReview(): RunScript {
  const run = new RunScript(humanReview);
  run.start(inputs);
  const events = run.succeed('draft', 'Contract v1');
  expect(trace(events)).toEqual([
    'StepSucceeded:draft',
    'StepStarted:human-review',
    'CheckpointOpened:human-review',
  ]);
  expect(events[2].data).toMatchObject({
    message: 'Review draft before sending to client',
    timeoutMs: 86_400_000,
    visit: 1,
  });
  return run;
}

describe('checkpoints', () => {
  it('waits holding nothing: the run is parked with no step to call', () => {
    const run = waitingForReview();
    expect(run.state.status).toBe('running');
    expect(run.state.openCheckpoints).toBe(1);
    expect(run.step('human-review')).toMatchObject({ status: 'running', kind: 'checkpoint' });
  });

  it('approve continues with the next step', () => {
    const run = waitingForReview();
    const events = run.resolve('human-review', 'approve', { comment: 'fine' });
    expect(trace(events)).toEqual([
      'CheckpointResolved:human-review',
      'StepSucceeded:human-review',
      'StepStarted:send',
    ]);
    expect(events[0].data).toMatchObject({ action: 'approve', comment: 'fine', by: 'alice' });
    expect(run.step('send').input).toBe('Send to legal@acme.test: Contract v1');
    expect(run.state.openCheckpoints).toBe(0);
  });

  it('reject fails the run with CHECKPOINT_REJECTED, naming the step, who and why', () => {
    const run = waitingForReview();
    const events = run.resolve('human-review', 'reject', { comment: 'wrong client', by: 'bob' });
    expect(trace(events)).toEqual([
      'CheckpointResolved:human-review',
      'StepFailed:human-review',
      'RunFailed',
    ]);
    expect(run.state.error).toMatchObject({
      code: 'CHECKPOINT_REJECTED',
      stepId: 'human-review',
      message: 'checkpoint "human-review": reject by bob: wrong client',
    });
  });

  it('edit goes back to the draft, then asks again; the edit is the checkpoint\u2019s input', () => {
    const run = waitingForReview();
    const events = run.resolve('human-review', 'edit', { input: 'Add a liability cap' });
    expect(trace(events)).toEqual([
      'CheckpointResolved:human-review',
      'StepSucceeded:human-review',
      'BranchTaken:human-review->draft',
      'StepsReset:human-review',
      'StepStarted:draft',
    ]);
    expect(run.step('draft')).toMatchObject({ visit: 2, status: 'running' });
    const again = run.succeed('draft', 'Contract v2');
    expect(trace(again)).toEqual([
      'StepSucceeded:draft',
      'StepStarted:human-review',
      'CheckpointOpened:human-review',
    ]);
    expect(run.step('human-review').visit).toBe(2);
    run.resolve('human-review', 'approve', { input: 'Contract v2, with a cap' });
    expect(run.step('send').input).toBe('Send to legal@acme.test: Contract v2, with a cap');
    expect(trace(run.succeed('send', 'sent'))).toEqual(['StepSucceeded:send', 'RunSucceeded']);
  });

  it('decides once: a second decision, or one for another visit, does nothing', () => {
    const run = waitingForReview();
    expect(run.resolve('human-review', 'approve', { visit: 2 })).toEqual([]);
    run.resolve('human-review', 'approve');
    expect(run.resolve('human-review', 'reject')).toEqual([]);
    expect(run.resolve('draft', 'approve')).toEqual([]);
  });
});
