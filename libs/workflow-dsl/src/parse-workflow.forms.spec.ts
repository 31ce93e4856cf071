import type {
  CheckpointStep,
  ForeachStep,
  ParallelStep,
  Step,
  SwitchStep,
  WorkflowDefinition,
} from '@chainmail/contracts';
import { parseWorkflow } from './parse-workflow';

/** Parses and fails the test with the issues when the document is refused. */
function ok(source: string, options: Parameters<typeof parseWorkflow>[1] = {}): WorkflowDefinition {
  const result = parseWorkflow(source, options);
  if (!result.ok)
    throw new Error(`expected a valid definition, got:\n${JSON.stringify(result.errors, null, 2)}`);
  return result.definition;
}

function step<K extends Step['kind']>(
  definition: WorkflowDefinition,
  id: string,
  kind: K,
): Extract<Step, { kind: K }> {
  const all = (steps: Step[]): Step[] =>
    steps.flatMap((s) => (s.kind === 'parallel' ? [s, ...all(s.branches)] : [s]));
  const found = all(definition.steps).find((s) => s.id === id);
  expect(found?.kind).toBe(kind);
  return found as Extract<Step, { kind: K }>;
}

const agentSteps = (lines: string): string => `name: w\nsteps:\n${lines}`;

describe('parseWorkflow — accepted forms', () => {
  it('takes a step name: as its id, and defaults needs to the previous step', () => {
    const d = ok(
      agentSteps(
        '  - name: a\n    agent: a@\n  - id: b\n    agent: b@\n  - id: c\n    agent: c@\n    needs: [a]\n',
      ),
    );
    expect(d.steps.map((s) => [s.id, s.needs])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
    ]);
    expect(d.steps[0]).toMatchObject({
      kind: 'agent',
      agent: 'a@',
      onError: { kind: 'abort' },
      maxVisits: 10,
    });
  });

  it('reads needs as a string, a list, or empty', () => {
    const d = ok(
      agentSteps(
        '  - id: a\n    agent: a@\n  - id: b\n    agent: b@\n    needs: a\n  - id: c\n    agent: c@\n    needs: []\n',
      ),
    );
    expect(d.steps.map((s) => s.needs)).toEqual([[], ['a'], []]);
  });

  it.each([
    ['trigger: email to competitor-intel@', { type: 'email', address: 'competitor-intel@' }],
    [
      'trigger: email competitor-intel@example.com',
      { type: 'email', address: 'competitor-intel@example.com' },
    ],
    ['trigger: { type: email, address: competitor-intel@ }', { type: 'email', address: 'competitor-intel@' }],
    [
      'trigger: { type: email, config: { address: x@, allow: ["*@acme.com"] } }',
      { type: 'email', address: 'x@', allow: ['*@acme.com'] },
    ],
    ['trigger: webhook competitor-intel', { type: 'webhook', path: 'competitor-intel' }],
    [
      'trigger: { type: webhook, path: /competitor-intel, secret: "{{secrets.HOOK_KEY}}", public: true }',
      { type: 'webhook', path: 'competitor-intel', secret: '{{secrets.HOOK_KEY}}', public: true },
    ],
    ['trigger: schedule 0 7 * * 1-5', { type: 'schedule', cron: '0 7 * * 1-5', timezone: 'UTC' }],
    [
      'trigger: { type: schedule, cron: "0 7 * * *", timezone: Europe/Berlin, inputs: { topic: news }, catch_up: last }',
      {
        type: 'schedule',
        cron: '0 7 * * *',
        timezone: 'Europe/Berlin',
        inputs: { topic: 'news' },
        catchUp: 'last',
      },
    ],
  ])('reads %s', (line, trigger) => {
    expect(ok(`name: w\n${line}\nsteps:\n  - id: a\n    agent: a@\n`).triggers).toEqual([trigger]);
  });

  it('reads an empty trigger as none', () => {
    expect(ok('name: w\ntrigger:\nsteps:\n  - id: a\n    agent: a@\n').triggers).toEqual([]);
  });

  it('reads several triggers', () => {
    const d = ok(
      'name: w\ntriggers:\n  - email to w@\n  - { type: schedule, cron: "@daily" }\nsteps:\n  - id: a\n    agent: a@\n',
    );
    expect(d.triggers).toEqual([
      { type: 'email', address: 'w@' },
      { type: 'schedule', cron: '@daily', timezone: 'UTC' },
    ]);
  });

  it('takes the seed sketch "a | b | c" as a placeholder trigger and the first output format, with warnings', () => {
    const result = parseWorkflow(
      'name: w\ntrigger:\n  type: email | schedule | webhook\n  config: ...\nsteps:\n  - id: a\n    agent: a@\noutput:\n  format: email | webhook | both\n  template: "..."\n',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.triggers).toEqual([
      { type: 'placeholder', choices: ['email', 'schedule', 'webhook'] },
    ]);
    expect(result.definition.output).toEqual({ format: 'email', template: '...' });
    expect(result.warnings.map((w) => [w.path, w.line, w.column])).toEqual([
      ['trigger.type', 3, 9],
      ['output.format', 9, 11],
    ]);
  });

  it('reads output as a template string (sent by email) or as a map; defaults to email', () => {
    expect(ok(agentSteps('  - id: a\n    agent: a@\n') + 'output: "{{a.output}}"\n').output).toEqual({
      format: 'email',
      template: '{{a.output}}',
    });
    expect(
      ok(
        agentSteps('  - id: a\n    agent: a@\n') +
          'output: { format: both, template: "{{a.output}}", to: "{{inputs.to}}", url: "https://x.test/h", subject: Done }\n',
      ).output,
    ).toEqual({
      format: 'both',
      template: '{{a.output}}',
      to: '{{inputs.to}}',
      url: 'https://x.test/h',
      subject: 'Done',
    });
    expect(ok(agentSteps('  - id: a\n    agent: a@\n')).output).toEqual({ format: 'email' });
  });

  it('reads retry as a count (with defaults) or as a map', () => {
    const d = ok(
      agentSteps(
        '  - id: a\n    agent: a@\n    retry: 2\n  - id: b\n    agent: b@\n    retry: { max: 5, backoff: fixed, delay: 2s, max_delay: 1m, jitter: false }\n  - id: c\n    agent: c@\n    retry: { backoff: exponential, delay: 90s, max_delay: 30s }\n',
      ),
    );
    expect(d.steps.map((s) => s.retry)).toEqual([
      { max: 2, backoff: 'exponential', delayMs: 1000, maxDelayMs: 60_000, jitter: true },
      { max: 5, backoff: 'fixed', delayMs: 2000, maxDelayMs: 60_000, jitter: false },
      { max: 3, backoff: 'exponential', delayMs: 90_000, maxDelayMs: 90_000, jitter: true },
    ]);
  });

  it('reads timeouts, condition, on_error, max_visits, description', () => {
    const d = ok(
      agentSteps(
        [
          '  - id: a',
          '    agent: a@',
          '    timeout: 1h30m',
          '    on_error: skip',
          '    description: first',
          '  - id: b',
          '    agent: b@',
          '    condition: "{{a.success}}"',
          '    on_error: { goto: a }',
          '    max_visits: 3',
          '  - id: c',
          '    agent: c@',
          '    on_error: goto a',
          '  - id: d',
          '    agent: d@',
          '    on_error: continue',
          '',
        ].join('\n'),
      ) + 'timeout: 45m\nmode: streaming\n',
    );
    expect(d.steps[0]).toMatchObject({
      timeoutMs: 5_400_000,
      onError: { kind: 'skip' },
      description: 'first',
    });
    expect(d.steps[1]).toMatchObject({
      condition: '{{a.success}}',
      onError: { kind: 'goto', step: 'a' },
      maxVisits: 3,
    });
    expect(d.steps[2].onError).toEqual({ kind: 'goto', step: 'a' });
    expect(d.steps[3].onError).toEqual({ kind: 'continue' });
    expect(d).toMatchObject({ timeoutMs: 2_700_000, mode: 'streaming' });
  });

  it('defaults the run to 10 minutes, async', () => {
    expect(ok(agentSteps('  - id: a\n    agent: a@\n'))).toMatchObject({
      timeoutMs: 600_000,
      mode: 'async',
      triggers: [],
      inputs: [],
      vars: {},
    });
  });

  it('reads checkpoint actions as a map, as the seed arrows, and as -> / => arrows', () => {
    const base =
      '  - id: draft\n    agent: w@\n  - id: review\n    type: checkpoint\n    message: "Check {{draft.output}}"\n    timeout: 24h\n';
    const asMap = ok(
      agentSteps(base + '    actions: { approve: continue, reject: abort, edit: { goto: draft } }\n'),
    );
    const asArrows = ok(
      agentSteps(
        base +
          '    actions:\n      - approve → continue\n      - reject -> abort\n      - edit => go to step draft\n',
      ),
    );
    const expected: CheckpointStep['actions'] = {
      approve: { kind: 'continue' },
      reject: { kind: 'abort' },
      edit: { kind: 'goto', step: 'draft' },
    };
    expect(step(asMap, 'review', 'checkpoint').actions).toEqual(expected);
    expect(step(asArrows, 'review', 'checkpoint').actions).toEqual(expected);
    expect(step(asMap, 'review', 'checkpoint')).toMatchObject({
      message: 'Check {{draft.output}}',
      timeoutMs: 86_400_000,
    });
    const defaults = ok(agentSteps(base));
    expect(step(defaults, 'review', 'checkpoint').actions).toEqual({
      approve: { kind: 'continue' },
      reject: { kind: 'abort' },
      edit: { kind: 'continue' },
    });
  });

  it('reads the spec example: switch, parallel, foreach, checkpoint', () => {
    const d = ok(
      [
        'name: spec-example',
        'inputs: [{ name: topic, type: string, required: true }]',
        'steps:',
        '  - id: classify',
        '    agent: classify@',
        '    input: "{{inputs.topic}}"',
        '  - id: triage',
        '    switch:',
        `      - when: "{{ classify.output == 'urgent' }}"`,
        '        goto: escalate',
        '      - default: true',
        '        goto: summarize',
        '  - id: escalate',
        '    agent: escalate@',
        '  - id: summarize',
        '    agent: summarize@',
        '  - id: fan-out',
        '    parallel:',
        '      - { id: web, agent: research@, input: "web: {{inputs.topic}}" }',
        '      - { id: news, agent: news@, input: "news: {{inputs.topic}}" }',
        '  - id: research',
        '    agent: research@',
        '    input: "{{ fan-out.output }} {{ web.output }} {{ steps.news.output }}"',
        '  - id: per-competitor',
        '    foreach: "{{ research.json.competitors }}"',
        '    as: competitor',
        '    concurrency: 4',
        '    agent: analyze@',
        '    input: "Analyze {{competitor.name}}"',
        '  - id: draft',
        '    agent: draft@',
        '  - id: human-review',
        '    type: checkpoint',
        '    message: "Review draft before sending to client"',
        '    timeout: 24h',
        '    actions: { approve: continue, reject: abort, edit: { goto: draft } }',
        '  - id: send',
        '    agent: send@',
        '    input: "{{ human-review.output }}"',
        '',
      ].join('\n'),
    );
    expect(step(d, 'triage', 'switch').cases).toEqual<SwitchStep['cases']>([
      { when: "{{ classify.output == 'urgent' }}", isDefault: false, goto: 'escalate' },
      { isDefault: true, goto: 'summarize' },
    ]);
    const fanOut: ParallelStep = step(d, 'fan-out', 'parallel');
    expect(fanOut.branches.map((b) => [b.id, b.kind, b.needs])).toEqual([
      ['web', 'agent', []],
      ['news', 'agent', []],
    ]);
    const foreach: ForeachStep = step(d, 'per-competitor', 'foreach');
    expect(foreach).toMatchObject({
      items: '{{ research.json.competitors }}',
      as: 'competitor',
      concurrency: 4,
      body: { kind: 'agent', agent: 'analyze@' },
    });
    expect(step(d, 'web', 'agent').agent).toBe('research@');
  });

  it('reads a workflow step and a foreach over a workflow', () => {
    const d = ok(
      agentSteps(
        '  - id: a\n    workflow: other-flow\n    input: x\n  - id: b\n    foreach: "{{ a.json }}"\n    workflow: per-item\n',
      ),
    );
    expect(step(d, 'a', 'workflow')).toMatchObject({ workflow: 'other-flow', input: 'x' });
    expect(step(d, 'b', 'foreach')).toMatchObject({
      as: 'item',
      concurrency: 4,
      body: { kind: 'workflow', workflow: 'per-item' },
    });
  });

  it('reads inputs as a list, as a map, with defaults', () => {
    const asList = ok(
      'name: w\ninputs:\n  - name: topic\n    required: true\n  - { name: depth, type: number, default: 2 }\n  - loose\nsteps:\n  - id: a\n    agent: a@\n',
    );
    expect(asList.inputs).toEqual([
      { name: 'topic', type: 'string', required: true },
      { name: 'depth', type: 'number', required: false, default: 2 },
      { name: 'loose', type: 'string', required: false },
    ]);
    const asMap = ok(
      'name: w\ninputs:\n  topic: { type: string, required: true, description: what }\n  tags: array\nsteps:\n  - id: a\n    agent: a@\n',
    );
    expect(asMap.inputs).toEqual([
      { name: 'topic', type: 'string', required: true, description: 'what' },
      { name: 'tags', type: 'array', required: false },
    ]);
  });

  it('accepts and ignores version, keeps vars', () => {
    const d = ok(
      'name: w\nversion: 7\nvars: { tone: formal, limits: { words: 300 } }\nsteps:\n  - id: a\n    agent: a@\n    input: "{{vars.tone}}"\n',
    );
    expect(d.vars).toEqual({ tone: 'formal', limits: { words: 300 } });
    expect(d).not.toHaveProperty('version');
  });

  it('reads JSON with the same rules', () => {
    const json = JSON.stringify({
      name: 'json-flow',
      trigger: 'email to json@',
      steps: [
        { id: 'a', agent: 'a@', input: '{{user_input}}' },
        { id: 'b', agent: 'b@', input: '{{a.output}}', retry: 1 },
      ],
      output: '{{b.output}}',
    });
    const d = ok(json, { contentType: 'json' });
    expect(d.steps.map((s) => s.needs)).toEqual([[], ['a']]);
    expect(d.steps[1].retry?.max).toBe(1);
  });

  it('accepts agents the directory knows', () => {
    const known = new Set(['a@', 'b@']);
    expect(() =>
      ok(agentSteps('  - id: a\n    agent: a@\n  - id: b\n    agent: b@\n'), {
        knownAgents: (x) => known.has(x),
      }),
    ).not.toThrow();
  });
});
