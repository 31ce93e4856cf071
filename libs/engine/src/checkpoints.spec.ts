import { spec } from './testing/decider-specification';
import { complete, resolve } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, ok } from './testing/run-script';

// The seed's human-in-the-loop example, as examples/human-review.yaml has it.
const HUMAN_REVIEW = `
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
`;
const humanReview = definitionOf(HUMAN_REVIEW);
const inputs = { client: 'ACME', client_email: 'legal@acme.test' };

/** The draft is being written. */
const drafting = () => {
  const h = new RunHistory(humanReview);
  return spec(humanReview).given([
    h.runStarted(inputs),
    h.stepStarted('draft', { input: 'Draft contract for ACME' }),
  ]);
};

/** The draft is written and the checkpoint open. */
const waitingForReview = () => {
  const h = new RunHistory(humanReview);
  return spec(humanReview).given([
    h.runStarted(inputs),
    h.stepStarted('draft'),
    h.stepSucceeded('draft', 'Contract v1'),
    h.stepStarted('human-review'),
    h.checkpointOpened('human-review', 'Review draft before sending to client', 86_400_000),
  ]);
};

describe('checkpoints', () => {
  it('a checkpoint reached opens with its message, timeout, what each action does and who decides', () => {
    drafting()
      .when(complete('draft', ok('Contract v1')))
      .then([
        'StepSucceeded:draft',
        { type: 'StepStarted', data: { stepId: 'human-review', kind: 'checkpoint' } },
        {
          type: 'CheckpointOpened',
          data: {
            message: 'Review draft before sending to client',
            timeoutMs: 86_400_000,
            visit: 1,
            actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
            // Started through the API and no approvers: the run's owner decides.
            approvers: ['owner'],
          },
        },
      ]);
  });

  it('by default the sender of the mail that started the run decides; approvers: says otherwise', () => {
    const h = new RunHistory(humanReview);
    const mailed = h.runStarted(inputs, {
      trigger: { kind: 'email', details: { from: 'Jane Doe <Jane@Acme.example>' } },
    });
    spec(humanReview)
      .given([mailed, h.stepStarted('draft')])
      .when(complete('draft', ok('Contract v1')))
      .then([
        'StepSucceeded:draft',
        'StepStarted:human-review',
        { type: 'CheckpointOpened', data: { approvers: ['jane@acme.example'] } },
      ]);
    const named = definitionOf(
      HUMAN_REVIEW.replace(
        '    timeout: 24h\n',
        '    timeout: 24h\n    approvers: [legal@acme.example, owner, "team:team_1"]\n',
      ),
    );
    const n = new RunHistory(named);
    spec(named)
      .given([
        n.runStarted(inputs, { trigger: { kind: 'email', details: { from: 'jane@acme.example' } } }),
        n.stepStarted('draft'),
      ])
      .when(complete('draft', ok('Contract v1')))
      .then([
        'StepSucceeded:draft',
        'StepStarted:human-review',
        { type: 'CheckpointOpened', data: { approvers: ['legal@acme.example', 'owner', 'team:team_1'] } },
      ]);
  });

  it('a decision records how it came (mail, link, CLI); one without says nothing (the API, as before)', () => {
    waitingForReview()
      .when(resolve('human-review', 'approve', { by: 'jane@acme.example', via: 'mail' }))
      .then([
        { type: 'CheckpointResolved', data: { action: 'approve', by: 'jane@acme.example', via: 'mail' } },
        'StepSucceeded:human-review',
        'StepStarted:send',
      ]);
    const { events } = waitingForReview().when(resolve('human-review', 'approve'));
    expect(events[0].data).not.toHaveProperty('via');
  });

  it('an open checkpoint parks the run holding nothing: no step to call', () => {
    const { state } = drafting().when(complete('draft', ok('Contract v1')));
    expect(state.status).toBe('running');
    expect(state.openCheckpoints).toBe(1);
    expect(state.steps['human-review']).toMatchObject({ status: 'running', kind: 'checkpoint' });
  });

  it('approve continues with the next step', () => {
    const approved = waitingForReview()
      .when(resolve('human-review', 'approve', { comment: 'fine' }))
      .then([
        { type: 'CheckpointResolved', data: { action: 'approve', comment: 'fine', by: 'alice' } },
        'StepSucceeded:human-review',
        { type: 'StepStarted', data: { stepId: 'send', input: 'Send to legal@acme.test: Contract v1' } },
      ]);
    expect(approved.state.openCheckpoints).toBe(0);
  });

  it('reject fails the run with CHECKPOINT_REJECTED, naming the step, who and why', () => {
    waitingForReview()
      .when(resolve('human-review', 'reject', { comment: 'wrong client', by: 'bob' }))
      .then([
        'CheckpointResolved:human-review',
        'StepFailed:human-review',
        {
          type: 'RunFailed',
          data: {
            error: {
              code: 'CHECKPOINT_REJECTED',
              stepId: 'human-review',
              message: 'checkpoint "human-review": reject by bob: wrong client',
            },
          },
        },
      ]);
  });

  it('edit goes back to the draft (a second visit), then asks again; the edit is the checkpoint’s input', () => {
    waitingForReview()
      .when(resolve('human-review', 'edit', { input: 'Add a liability cap' }))
      .then([
        'CheckpointResolved:human-review',
        'StepSucceeded:human-review',
        'BranchTaken:human-review->draft',
        'StepsReset:human-review',
        { type: 'StepStarted', data: { stepId: 'draft', visit: 2 } },
      ])
      .and(complete('draft', ok('Contract v2'), { visit: 2 }))
      .then([
        'StepSucceeded:draft',
        { type: 'StepStarted', data: { stepId: 'human-review', visit: 2 } },
        { type: 'CheckpointOpened', data: { visit: 2 } },
      ])
      .and(resolve('human-review', 'approve', { input: 'Contract v2, with a cap' }))
      .then([
        'CheckpointResolved:human-review',
        'StepSucceeded:human-review',
        {
          type: 'StepStarted',
          data: { stepId: 'send', input: 'Send to legal@acme.test: Contract v2, with a cap' },
        },
      ])
      .and(complete('send', ok('sent')))
      .then(['StepSucceeded:send', 'RunSucceeded']);
  });

  it('a checkpoint decides once: a decision for another visit, a second one, or for a step that is no checkpoint does nothing', () => {
    waitingForReview()
      .when(resolve('human-review', 'approve', { visit: 2 }))
      .thenNothing();
    const approved = waitingForReview()
      .when(resolve('human-review', 'approve'))
      .then(['CheckpointResolved:human-review', 'StepSucceeded:human-review', 'StepStarted:send']);
    approved.and(resolve('human-review', 'reject')).thenNothing();
    approved.and(resolve('draft', 'approve')).thenNothing();
  });
});
