import type { TriggerInfo } from '@chainmail/contracts';
import { planCommit } from './delivery-plan';
import { composeMail, threadHeaders, type ComposedMail } from './mail-composer';
import { definitionOf, EMAIL_TRIGGER, RunScript, SEED_YAML, seedWith } from './notification.fixture';
import type { OutboundMail } from './outbound-mail';

const identity = {
  from: 'Chainmail <chainmail@chainmail.local>',
  domain: 'chainmail.local',
  publicUrl: 'http://127.0.0.1:8080',
};
const REPORT = '# CRM competitors\n\n- Acme CRM\n- Globex';

function mailOf(composed: ComposedMail): OutboundMail {
  if (!composed.ok) throw new Error(composed.reason);
  return composed.mail;
}

/** Composes the mail named `name` planned by the run's commits. */
function composeNamed(run: RunScript, commits: ReturnType<RunScript['seedRun']>, name: string): ComposedMail {
  for (const [i, events] of commits.entries()) {
    const planned = planCommit(run.facts(), events).find((p) => p.name === name);
    if (planned) return composeMail(run.soFar(commits, i), planned.name, planned.notice, identity);
  }
  throw new Error(`no ${name} planned`);
}

describe('the completion mail', () => {
  const run = new RunScript('run-1', definitionOf(SEED_YAML));
  const mail = mailOf(composeNamed(run, run.seedRun(REPORT, 45_000), 'done'));

  it('answers the trigger mail, in its thread', () => {
    expect(mail.to).toEqual(['jane@acme.example']);
    expect(mail.inReplyTo).toBe('<req-1@acme.example>');
    expect(mail.references).toEqual(['<older@acme.example>', '<req-1@acme.example>']);
    expect(mail.messageId).toBe('<run-1.done@chainmail.local>');
    expect(mail.from).toBe('Chainmail <chainmail@chainmail.local>');
    expect(mail.headers['Auto-Submitted']).toBe('auto-generated');
  });

  it("is titled Re: the trigger mail's subject, so clients that thread by subject keep the conversation", () => {
    expect(mail.subject).toBe('Re: CRM competitors');
    const again = new RunScript('run-re', definitionOf(SEED_YAML), {
      ...EMAIL_TRIGGER,
      details: { ...EMAIL_TRIGGER.details, subject: 'RE: CRM competitors' },
    });
    expect(mailOf(composeNamed(again, again.seedRun(REPORT, 1_000), 'done')).subject).toBe(
      'RE: CRM competitors',
    );
  });

  it('is titled from the workflow name when the trigger mail had no subject, and carries the report then the seed footer exactly', () => {
    const noSubject = new RunScript('run-1', definitionOf(SEED_YAML), {
      ...EMAIL_TRIGGER,
      details: { ...EMAIL_TRIGGER.details, subject: '' },
    });
    const mail = mailOf(composeNamed(noSubject, noSubject.seedRun(REPORT, 45_000), 'done'));
    expect(mail.subject).toBe('Competitor Analysis Complete');
    expect(mail.text).toBe(
      `${REPORT}\n\n---\nWorkflow: competitor-analysis\nSteps completed: 4/4\nTotal time: 45 seconds\nAgents used: research@, summarize@, write-report@, proofread@\n`,
    );
  });

  it('has an HTML alternative with the report rendered and the footer', () => {
    expect(mail.html).toContain('<h1>CRM competitors</h1>');
    expect(mail.html).toContain('<ul><li>Acme CRM</li><li>Globex</li></ul>');
    expect(mail.html).toContain('Steps completed: 4/4<br>');
  });

  it('takes output.subject and output.to, rendered over the run', () => {
    const custom = new RunScript(
      'run-2',
      seedWith(
        'output:\n  template: "{{review.output}}"\n  subject: "Report on {{user_input}}"\n  to: "boss@acme.example, {{trigger.from}}"\n',
      ),
    );
    const composed = mailOf(composeNamed(custom, custom.seedRun(REPORT, 3_000), 'done'));
    expect(composed.subject).toBe('Report on Analyze our competitors in the CRM space');
    expect(composed.to).toEqual(['boss@acme.example', 'jane@acme.example']);
  });

  it('falls back to the default subject when output.subject renders empty', () => {
    const broken = new RunScript('run-3', seedWith('output:\n  subject: "{{ inputs.subject }}"\n'));
    const composed = composeNamed(broken, broken.seedRun(REPORT, 3_000), 'done');
    expect(composed.ok && composed.mail.subject).toBe('Re: CRM competitors');
  });

  it('counts only succeeded steps of the definition', () => {
    const partial = new RunScript('run-4', definitionOf(SEED_YAML));
    const commits = [
      [partial.started(), partial.stepStarted('research')],
      [partial.stepSucceeded('research'), partial.stepStarted('summarize')],
      [partial.stepFailed('summarize'), partial.failed('summarize', 185_000)],
    ];
    const failed = mailOf(composeNamed(partial, commits, 'failed'));
    expect(failed.text).toContain(
      '\n---\nWorkflow: competitor-analysis\nSteps completed: 1/4\nTotal time: 3 minutes 5 seconds\nAgents used: research@, summarize@\n',
    );
  });
});

describe('the failure mail', () => {
  const run = new RunScript('run-5', definitionOf(SEED_YAML));
  const commits = [
    [run.started({ user_input: "it's CRM" }), run.stepStarted('research')],
    [run.stepSucceeded('research'), run.stepStarted('summarize')],
    [run.stepFailed('summarize'), run.failed('summarize')],
  ];
  const mail = mailOf(composeNamed(run, commits, 'failed'));

  it('says which step failed, why, and how to retry three ways', () => {
    expect(mail.subject).toBe('Competitor Analysis Failed');
    expect(mail.text).toContain('competitor-analysis failed at step 2/4 "summarize" (summarize@).');
    expect(mail.text).toContain('Why: AGENT_ERROR: summarize answered 500');
    expect(mail.text).toContain('- Reply to this mail: your reply goes to competitor-intel@chainmail.local');
    expect(mail.text).toContain(
      `- From a terminal: chainmail run competitor-analysis --input 'user_input=it'\\''s CRM' --follow`,
    );
    expect(mail.text).toContain(
      `- Over the API: curl -X POST http://127.0.0.1:8080/v1/workflows/competitor-analysis/runs -H "Authorization: Bearer $CHAINMAIL_TOKEN" -H 'content-type: application/json' -d '{"inputs":{"user_input":"it'\\''s CRM"}}'`,
    );
  });

  it('sets Reply-To to the trigger address, so a reply starts the workflow again', () => {
    expect(mail.replyTo).toBe('competitor-intel@chainmail.local');
    expect(mail.messageId).toBe('<run-5.failed@chainmail.local>');
  });

  it('says a timed-out run timed out', () => {
    const slow = new RunScript('run-6', definitionOf(SEED_YAML));
    const timedOut = mailOf(
      composeNamed(
        slow,
        [[slow.started(), slow.stepStarted('research')], [slow.timedOut('research')]],
        'failed',
      ),
    );
    expect(timedOut.subject).toBe('Competitor Analysis Timed Out');
    expect(timedOut.text).toContain('competitor-analysis timed out at step 1/4 "research" (research@).');
    expect(timedOut.text).toContain('Why: RUN_TIMEOUT: ');
  });
});

describe('the other mails', () => {
  it('acknowledges a run with its steps', () => {
    const run = new RunScript('run-7', definitionOf(SEED_YAML));
    const ack = mailOf(composeNamed(run, run.seedRun(REPORT, 10), 'ack'));
    expect(ack.subject).toBe('Chainmail is working on it: competitor-analysis');
    expect(ack.text).toMatch(
      /^Chainmail is working on it: competitor-analysis, 4 steps \(research → summarize → draft → review\)\./,
    );
    expect(ack.inReplyTo).toBe('<req-1@acme.example>');
    expect(ack.messageId).toBe('<run-7.ack@chainmail.local>');
    expect(ack.replyTo).toBeUndefined();
  });

  it('streams a step with its position, output and time', () => {
    const run = new RunScript('run-8', seedWith('mode: streaming\n'));
    const step = mailOf(composeNamed(run, run.seedRun(REPORT, 10), 'step-summarize-1'));
    expect(step.subject).toBe('Step 2/4 done: summarize');
    expect(step.text).toBe(
      'output of summarize\n\n---\nWorkflow: competitor-analysis\nStep: summarize (summarize@), 2/4\nStep time: 1 second\n',
    );
    expect(step.messageId).toBe('<run-8.step-summarize-1@chainmail.local>');
    expect(step.inReplyTo).toBe('<req-1@acme.example>');
  });

  it('gives a cancellation a short notice', () => {
    const run = new RunScript('run-9', definitionOf(SEED_YAML));
    const notice = mailOf(composeNamed(run, [[run.started()], [run.cancelled()]], 'cancelled'));
    expect(notice.subject).toBe('Competitor Analysis Cancelled');
    expect(notice.text).toContain('competitor-analysis was cancelled by jane: no longer needed.');
    // The link opens the console's run page, not the JSON API (which answers 401 in a browser).
    expect(notice.text).toContain('Run: http://127.0.0.1:8080/runs/run-9 (or: chainmail logs run-9)');
  });

  it('reports a mail with nobody to send it to', () => {
    const api: TriggerInfo = { kind: 'api' };
    const run = new RunScript('run-10', seedWith('output: { to: "{{ inputs.nobody }}" }\n'), api);
    const composed = composeNamed(run, run.seedRun(REPORT, 10), 'done');
    expect(composed).toMatchObject({ ok: false, subject: 'Competitor Analysis Complete' });
  });
});

describe('threadHeaders', () => {
  it('gives a run not started by mail a thread root of its own', () => {
    expect(threadHeaders('r', undefined, [], 'mail.example')).toEqual({
      references: ['<r.run@mail.example>'],
    });
  });

  it('keeps the references short and the trigger mail last', () => {
    const refs = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const thread = threadHeaders('r', '<t@x>', [...refs, '<t@x>'], 'd');
    expect(thread.references).toHaveLength(20);
    expect(thread.references.at(-1)).toBe('<t@x>');
    expect(thread.inReplyTo).toBe('<t@x>');
  });
});
