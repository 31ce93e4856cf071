import { makeRunEvent, type RunEvent, type RunEventOf } from '@chainmail/contracts';
import { parseCheckpointMailId } from '@chainmail/agents';
import { readApprovalLink } from '@chainmail/identity';
import { composeCheckpointMail, linkExpiry } from './checkpoint-mail';
import { planCommit } from './delivery-plan';
import { definitionOf, EMAIL_TRIGGER, RunScript } from './notification.fixture';

const REVIEW_YAML = `
name: human-review
trigger: email to human-review@
steps:
  - id: draft
    agent: write-contract@
    input: "Draft contract for {{user_input}}"
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
    input: "Send {{draft.output}}"
`;

const identity = {
  from: 'Chainmail <chainmail@chainmail.local>',
  domain: 'chainmail.local',
  publicUrl: 'http://cm.example',
};
const key = Buffer.alloc(32, 7);

function opened(
  run: RunScript,
  approvers = ['jane@acme.example'],
  visit = 1,
): RunEventOf<'CheckpointOpened'> {
  return makeRunEvent('CheckpointOpened', run.runId, run.at(0), {
    stepId: 'human-review',
    visit,
    message: 'Review draft before sending to client',
    timeoutMs: 86_400_000,
    approvers,
    actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
  }) as RunEventOf<'CheckpointOpened'>;
}

function reviewRun(): { run: RunScript; commits: RunEvent[][]; event: RunEventOf<'CheckpointOpened'> } {
  const run = new RunScript('run-7', definitionOf(REVIEW_YAML), EMAIL_TRIGGER);
  const event = opened(run);
  const commits: RunEvent[][] = [
    [run.started(), run.stepStarted('draft', 'write-contract@')],
    [
      run.stepSucceeded('draft', 'SERVICES AGREEMENT between ____ and ____'),
      run.stepStarted('human-review', undefined),
      event,
    ],
  ];
  return { run, commits, event };
}

describe('checkpoint notices', () => {
  it('are planned whenever a checkpoint opens, whatever the output, one per visit', () => {
    const { run, commits } = reviewRun();
    const apiRun = new RunScript(
      'run-8',
      definitionOf(REVIEW_YAML.replace('trigger: email to human-review@\n', '')),
      { kind: 'api' },
    );
    expect(planCommit(run.facts(), commits[1]).map((p) => p.id)).toEqual(['run-7/checkpoint-human-review-1']);
    expect(
      planCommit(apiRun.facts(), [opened(apiRun, ['owner'], 2)]).map((p) => `${p.channel}:${p.name}`),
    ).toEqual(['email:checkpoint-human-review-2']);
  });

  it('go by webhook as well when the step says notify: [mail, webhook]', () => {
    const yaml = REVIEW_YAML.replace('    timeout: 24h\n', '    timeout: 24h\n    notify: [mail, webhook]\n');
    const run = new RunScript(
      'run-9',
      definitionOf(`${yaml}output:\n  format: webhook\n  url: https://hooks.example/x\n`),
    );
    expect(planCommit(run.facts(), [opened(run)]).map((p) => `${p.channel}:${p.name}`)).toEqual([
      'email:checkpoint-human-review-1',
      'webhook:checkpoint-human-review-1-webhook',
    ]);
  });
});

describe('the checkpoint mail', () => {
  const { run, commits, event } = reviewRun();
  const mail = composeCheckpointMail(run.soFar(commits), event, 'jane@acme.example', identity, {
    replyTo: 'approvals@chainmail.local',
    linkKey: key,
    linkTtlMs: 7 * 86_400_000,
  });

  it('goes to the approver, in the trigger thread, with a Message-ID a reply finds and the approvals Reply-To', () => {
    expect(mail.to).toEqual(['jane@acme.example']);
    expect(mail.replyTo).toBe('approvals@chainmail.local');
    expect(mail.inReplyTo).toBe('<req-1@acme.example>');
    expect(parseCheckpointMailId(mail.messageId, 'chainmail.local')).toEqual({
      runId: 'run-7',
      stepId: 'human-review',
      visit: 1,
    });
    expect(mail.subject).toBe('Approval needed: Human Review — human-review');
  });

  it('says what waits, what the run produced, the deadline and how to answer', () => {
    expect(mail.text).toContain('**human-review** waits for your decision at step "human-review"');
    expect(mail.text).toContain('> Review draft before sending to client');
    expect(mail.text).toContain('SERVICES AGREEMENT between ____ and ____');
    expect(mail.text).toContain(`Deadline: ${new Date(Date.parse(event.at) + 86_400_000).toISOString()}`);
    expect(mail.text).toContain('- approve (a comment may follow) → continue');
    expect(mail.text).toContain('- any other text is an edit: it becomes the new input → goto draft');
  });

  it('links the run and every decision waiting for the approver in the console', () => {
    expect(mail.text).toContain(
      'Run: http://cm.example/runs/run-7 (or: chainmail approve|reject|edit run-7 human-review)',
    );
    expect(mail.text).toContain('Everything waiting for you: http://cm.example/approvals\n');
  });

  it('carries one signed link per decision, for this approver, expiring with the deadline', () => {
    const links = [...mail.text.matchAll(/http:\/\/cm\.example\/approvals\/(\S+)/g)].map((m) => m[1]);
    expect(links).toHaveLength(3);
    const read = links.map((token) => readApprovalLink(token, key, Date.parse(event.at)));
    expect(read.map((r) => (r.ok ? [r.claims.action, r.claims.approver, r.claims.visit] : r.reason))).toEqual(
      [
        ['approve', 'jane@acme.example', 1],
        ['reject', 'jane@acme.example', 1],
        ['edit', 'jane@acme.example', 1],
      ],
    );
    expect(read[0].ok && read[0].claims.expiresAt).toBe(linkExpiry(event, 7 * 86_400_000));
    expect(readApprovalLink(links[0], Buffer.alloc(32, 8), Date.parse(event.at))).toMatchObject({
      ok: false,
    });
    expect(readApprovalLink(links[0], key, Date.parse(event.at) + 2 * 86_400_000)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('expired') as string,
    });
  });

  it('has no links without a key: replies still work', () => {
    const plain = composeCheckpointMail(run.soFar(commits), event, 'jane@acme.example', identity, {
      replyTo: 'approvals@chainmail.local',
      linkTtlMs: 1000,
    });
    expect(plain.text).not.toContain('/approvals/');
    expect(plain.text).toContain('To answer, reply to this mail');
  });
});
