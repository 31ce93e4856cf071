import type { ValidationIssue } from '@chainmail/contracts';
import { parseWorkflow } from './parse-workflow';

function errorsOf(source: string): ValidationIssue[] {
  const result = parseWorkflow(source);
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.errors;
}

const summary = (source: string): [string, number | undefined, number | undefined, string | undefined][] =>
  errorsOf(source).map((e) => [e.code, e.line, e.column, e.hint]);

const doc = (...rows: string[]): string => rows.join('\n') + '\n';

describe('parseWorkflow — step rules', () => {
  it('refuses a step with both id and a different name', () => {
    expect(summary(doc('name: w', 'steps:', '  - { id: a, name: b, agent: a@ }'))).toEqual([
      ['INVALID_VALUE', 3, 14, 'keep one of them; "name" is accepted as the id'],
    ]);
  });

  it('refuses a type that does not match the step, and steps doing two things', () => {
    expect(
      summary(doc('name: w', 'steps:', '  - { id: a, type: agent, parallel: [] }'))[0].slice(0, 3),
    ).toEqual(['INVALID_VALUE', 3, 20]);
    expect(
      summary(doc('name: w', 'steps:', '  - { id: a, agent: a@, workflow: other }'))[0].slice(0, 3),
    ).toEqual(['INVALID_VALUE', 3, 25]);
    expect(
      summary(doc('name: w', 'steps:', '  - { id: a, type: checkpoint, message: hi, agent: a@ }'))[0].slice(
        0,
        3,
      ),
    ).toEqual(['INVALID_VALUE', 3, 45]);
  });

  it('refuses needs and switch inside parallel branches, and goto from a branch', () => {
    const codes = errorsOf(
      doc(
        'name: w',
        'steps:',
        '  - { id: z, agent: z@ }',
        '  - id: p',
        '    parallel:',
        '      - { id: a, agent: a@, needs: z }',
        '      - { id: b, switch: [{ default: true, goto: z }] }',
        '      - { id: c, agent: c@, on_error: { goto: z } }',
      ),
    ).map((e) => [e.code, e.line]);
    expect(codes).toEqual([
      ['INVALID_VALUE', 6],
      ['INVALID_VALUE', 7],
      ['INVALID_VALUE', 8],
    ]);
  });

  it('checks foreach: one expression, one body, and `as` only in its input', () => {
    expect(
      summary(doc('name: w', 'steps:', '  - { id: f, foreach: "a, b", agent: a@ }'))[0].slice(0, 3),
    ).toEqual(['INVALID_VALUE', 3, 23]);
    expect(
      summary(doc('name: w', 'steps:', '  - { id: f, foreach: "{{ inputs.list }}" }'))[0].slice(0, 3),
    ).toEqual(['MISSING_KEY', 3, 5]);
    const asOutside = doc(
      'name: w',
      'steps:',
      '  - id: f',
      '    foreach: "{{ inputs.list }}"',
      '    as: thing',
      '    agent: a@',
      '    input: "{{ thing.name }}"',
      '    condition: "{{ thing }}"',
    );
    expect(summary(asOutside).map((s) => s.slice(0, 3))).toEqual([['UNKNOWN_STEP', 8, 17]]);
    expect(
      summary(doc('name: w', 'steps:', '  - { id: f, foreach: "{{ inputs.l }}", as: run, agent: a@ }'))[0][0],
    ).toBe('NAME_CLASH');
    const hidesStep = doc(
      'name: w',
      'inputs: [topic]',
      'steps:',
      '  - { id: a, agent: a@ }',
      '  - { id: f, foreach: "{{ a.json }}", as: a, agent: a@ }',
      '  - { id: g, foreach: "{{ a.json }}", as: topic, agent: a@ }',
    );
    expect(summary(hidesStep).map((s) => s.slice(0, 3))).toEqual([
      ['NAME_CLASH', 5, 43],
      ['NAME_CLASH', 6, 43],
    ]);
  });

  it('checks switch cases', () => {
    const rows = doc(
      'name: w',
      'steps:',
      '  - id: s',
      '    switch:',
      '      - { when: "{{ true }}", default: true, goto: s }',
      '      - { default: true, goto: s }',
      '      - { default: true, goto: s }',
      '      - { when: "{{ true }}" }',
    );
    expect(summary(rows).map((s) => s.slice(0, 3))).toEqual([
      ['INVALID_VALUE', 5, 9],
      ['INVALID_VALUE', 7, 9],
      ['MISSING_KEY', 8, 9],
    ]);
  });

  it('suggests the checkpoint action meant', () => {
    const rows = doc(
      'name: w',
      'steps:',
      '  - id: c',
      '    type: checkpoint',
      '    message: ok',
      '    actions: { aprove: continue, reject: explode }',
    );
    expect(summary(rows)).toEqual([
      ['UNKNOWN_KEY', 6, 16, 'did you mean "approve"?'],
      ['INVALID_VALUE', 6, 42, 'one of: continue, abort'],
    ]);
  });

  it('reports unknown keys inside retry, triggers and output', () => {
    const rows = doc(
      'name: w',
      'trigger: { type: email, adress: x@ }',
      'steps:',
      '  - { id: a, agent: a@, retry: { max: 1, jiter: true } }',
      'output: { fromat: email }',
    );
    expect(summary(rows)).toEqual(
      [
        ['UNKNOWN_KEY', 2, 25, 'did you mean "address"?'],
        ['MISSING_KEY', 2, 10, 'e.g. address: competitor-intel@'],
        ['UNKNOWN_KEY', 4, 42, 'did you mean "jitter"?'],
        ['UNKNOWN_KEY', 5, 11, 'did you mean "format"?'],
      ].sort(
        (x, y) => (x[1] as number) * 100 + (x[2] as number) - ((y[1] as number) * 100 + (y[2] as number)),
      ),
    );
  });

  it('refuses trigger and triggers together, and webhook secrets reading more than secrets and vars', () => {
    const both = doc(
      'name: w',
      'trigger: email to a@',
      'triggers: [email to b@]',
      'steps:',
      '  - { id: a, agent: a@ }',
    );
    expect(summary(both).map((s) => s.slice(0, 3))).toEqual([['INVALID_VALUE', 3, 1]]);
    const hook = doc(
      'name: w',
      'trigger: { type: webhook, path: h, secret: "{{ user_input }}" }',
      'steps:',
      '  - { id: a, agent: a@ }',
    );
    expect(summary(hook).map((s) => s.slice(0, 3))).toEqual([['INVALID_VALUE', 2, 45]]);
  });
});

describe('parseWorkflow — inputs and vars', () => {
  it('refuses bad, reserved and duplicate input names', () => {
    const rows = doc(
      'name: w',
      'inputs: [{ name: my-topic }, { name: vars }, { name: x }, { name: x }]',
      'steps:',
      '  - { id: a, agent: a@ }',
    );
    expect(summary(rows).map((s) => s.slice(0, 3))).toEqual([
      ['INVALID_VALUE', 2, 18],
      ['NAME_CLASH', 2, 38],
      ['INVALID_VALUE', 2, 59],
    ]);
  });

  it('refuses var names templates cannot read', () => {
    expect(
      summary(doc('name: w', 'vars: { "my var": 1, ok: 2 }', 'steps:', '  - { id: a, agent: a@ }')).map((s) =>
        s.slice(0, 3),
      ),
    ).toEqual([['INVALID_VALUE', 2, 9]]);
  });
});

describe('parseWorkflow — placeholders and documents', () => {
  it('takes a placeholder mode as its first choice, with a warning', () => {
    const result = parseWorkflow(doc('name: w', 'mode: sync | async', 'steps:', '  - { id: a, agent: a@ }'));
    expect(result).toMatchObject({
      ok: true,
      definition: { mode: 'sync' },
      warnings: [{ code: 'INVALID_VALUE', path: 'mode', line: 2, column: 7 }],
    });
  });

  it('does not take a partly valid "a | b" as a placeholder', () => {
    expect(
      summary(doc('name: w', 'mode: sync | later', 'steps:', '  - { id: a, agent: a@ }')).map((s) =>
        s.slice(0, 3),
      ),
    ).toEqual([['INVALID_VALUE', 2, 7]]);
  });

  it('refuses an empty document and a JSON array', () => {
    expect(errorsOf('')[0]).toMatchObject({ code: 'INVALID_VALUE', line: 1, column: 1 });
    const result = parseWorkflow('[1, 2]', { contentType: 'json' });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_VALUE', message: expect.stringContaining('a JSON object') }],
    });
  });

  it('reports JSON errors with positions', () => {
    const json = '{\n  "name": "w",\n  "steps": [\n    { "id": "a", "agnt": "a@" }\n  ]\n}';
    expect(summary(json).map((s) => s.slice(0, 3))).toEqual([
      ['MISSING_KEY', 4, 5],
      ['UNKNOWN_KEY', 4, 18],
    ]);
  });
});
