import type { ValidationIssue } from '@chainmail/contracts';
import { parseWorkflow, type ParseOptions } from './parse-workflow';

function errorsOf(source: string, options?: ParseOptions): ValidationIssue[] {
  const result = parseWorkflow(source, options);
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.errors;
}

/** The one issue of a document, as [code, line, column, path]. */
function theIssue(
  source: string,
  options?: ParseOptions,
): [string, number | undefined, number | undefined, string] {
  const errors = errorsOf(source, options);
  expect(errors).toHaveLength(1);
  const [e] = errors;
  return [e.code, e.line, e.column, e.path];
}

const lines = (...rows: string[]): string => rows.join('\n') + '\n';

describe('parseWorkflow — errors with line and column', () => {
  it('reports YAML syntax errors where they are', () => {
    const errors = errorsOf(lines('name: w', 'steps:', '  - id: a', '    agent: [a@'));
    expect(errors[0].code).toBe('YAML_SYNTAX');
    expect(errors[0].line).toBeGreaterThanOrEqual(4);
    expect(theIssue(lines('name: w', 'name: x', 'steps: []'))).toEqual(['YAML_SYNTAX', 2, 1, 'name']);
  });

  it('reports an unknown key with a "did you mean"', () => {
    const errors = errorsOf(lines('name: w', 'steps:', '  - id: a', '    agnet: a@', '    agent: a@'));
    expect(errors).toEqual([
      {
        code: 'UNKNOWN_KEY',
        message: 'unknown key "agnet" in an agent step',
        path: 'steps[0].agnet',
        line: 4,
        column: 5,
        hint: 'did you mean "agent"?',
      },
    ]);
    expect(theIssue(lines('name: w', 'stpes: []', 'steps:', '  - { id: a, agent: a@ }'))).toEqual([
      'UNKNOWN_KEY',
      2,
      1,
      'stpes',
    ]);
  });

  it('says where a key of another step kind belongs', () => {
    const [issue] = errorsOf(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    message: hi'));
    expect(issue).toMatchObject({
      code: 'UNKNOWN_KEY',
      line: 5,
      column: 5,
      hint: '"message" belongs to checkpoint steps (type: checkpoint)',
    });
  });

  it('reports missing keys at the map that lacks them', () => {
    expect(theIssue(lines('steps:', '  - id: a', '    agent: a@'))).toEqual(['MISSING_KEY', 1, 1, '']);
    expect(theIssue(lines('name: w'))).toEqual(['MISSING_KEY', 1, 1, '']);
    expect(theIssue(lines('name: w', 'steps:', '  - agent: a@'))).toEqual(['MISSING_KEY', 3, 5, 'steps[0]']);
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    input: x'))).toEqual([
      'MISSING_KEY',
      3,
      5,
      'steps[0]',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    type: checkpoint'))).toEqual([
      'MISSING_KEY',
      3,
      5,
      'steps[0]',
    ]);
    expect(
      theIssue(lines('name: w', 'trigger: { type: email }', 'steps:', '  - { id: a, agent: a@ }')),
    ).toEqual(['MISSING_KEY', 2, 10, 'trigger']);
  });

  it('reports wrong types and values', () => {
    expect(theIssue(lines('name: w', 'mode: fast', 'steps:', '  - { id: a, agent: a@ }'))).toEqual([
      'INVALID_VALUE',
      2,
      7,
      'mode',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    retry: lots'))).toEqual([
      'INVALID_VALUE',
      5,
      12,
      'steps[0].retry',
    ]);
    expect(
      theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    retry: { max: -1 }')),
    ).toEqual(['INVALID_VALUE', 5, 19, 'steps[0].retry.max']);
    expect(theIssue(lines('name: w', 'steps: {}'))).toEqual(['INVALID_VALUE', 2, 8, 'steps']);
    expect(theIssue(lines('name: w', 'steps: []'))).toEqual(['INVALID_VALUE', 2, 8, 'steps']);
    expect(
      theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    on_error: explode')),
    ).toEqual(['INVALID_VALUE', 5, 15, 'steps[0].on_error']);
    expect(theIssue(lines('- just', '- a list'))).toEqual(['INVALID_VALUE', 1, 1, '']);
    expect(
      theIssue(
        lines(
          'name: w',
          'inputs: [{ name: n, type: number, default: "x" }]',
          'steps:',
          '  - { id: a, agent: a@ }',
        ),
      ),
    ).toEqual(['INVALID_VALUE', 2, 44, 'inputs[0].default']);
  });

  it('refuses bad durations', () => {
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    timeout: 30'))).toEqual([
      'BAD_DURATION',
      5,
      14,
      'steps[0].timeout',
    ]);
    expect(theIssue(lines('name: w', 'timeout: 5 minutes', 'steps:', '  - { id: a, agent: a@ }'))).toEqual([
      'BAD_DURATION',
      2,
      10,
      'timeout',
    ]);
    expect(
      theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    retry: { delay: 1x }')),
    ).toEqual(['BAD_DURATION', 5, 21, 'steps[0].retry.delay']);
  });

  it('refuses duplicate step ids, also inside parallel', () => {
    expect(
      theIssue(lines('name: w', 'steps:', '  - { id: a, agent: a@ }', '  - { id: a, agent: b@ }')),
    ).toEqual(['DUPLICATE_STEP', 4, 11, 'steps[1].id']);
    expect(
      theIssue(lines('name: w', 'steps:', '  - id: p', '    parallel:', '      - { id: p, agent: b@ }')),
    ).toEqual(['DUPLICATE_STEP', 5, 15, 'steps[0].parallel[0].id']);
  });

  it('refuses bad names', () => {
    expect(theIssue(lines('name: My Flow', 'steps:', '  - { id: a, agent: a@ }'))).toEqual([
      'INVALID_VALUE',
      1,
      7,
      'name',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - { id: "bad id", agent: a@ }'))).toEqual([
      'INVALID_VALUE',
      3,
      11,
      'steps[0].id',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - { id: a, workflow: Other }'))).toEqual([
      'INVALID_VALUE',
      3,
      24,
      'steps[0].workflow',
    ]);
  });

  it('refuses agent addresses that do not end in @ or contain spaces', () => {
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: research'))).toEqual([
      'INVALID_VALUE',
      4,
      12,
      'steps[0].agent',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: "re search@"'))).toEqual([
      'INVALID_VALUE',
      4,
      12,
      'steps[0].agent',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: research@example.com'))).toEqual([
      'INVALID_VALUE',
      4,
      12,
      'steps[0].agent',
    ]);
  });

  it('refuses agents the directory does not know, and survives a directory that throws', () => {
    const source = lines('name: w', 'steps:', '  - { id: a, agent: a@ }', '  - { id: b, agent: b@ }');
    expect(theIssue(source, { knownAgents: (address) => address === 'a@' })).toEqual([
      'UNKNOWN_AGENT',
      4,
      21,
      'steps[1].agent',
    ]);
    const throwing = (): boolean => {
      throw new Error('directory down');
    };
    expect(errorsOf(source, { knownAgents: throwing }).map((e) => e.code)).toEqual([
      'UNKNOWN_AGENT',
      'UNKNOWN_AGENT',
    ]);
  });

  it('refuses templates that do not compile, pointing at the {{', () => {
    expect(
      theIssue(
        lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    input: "Hi {{ user_input + }}"'),
      ),
    ).toEqual(['BAD_TEMPLATE', 5, 16, 'steps[0].input']);
    expect(
      theIssue(
        lines(
          'name: w',
          'steps:',
          '  - id: a',
          '    agent: a@',
          '    input: |',
          '      line one',
          '      and {{ oops',
        ),
      ),
    ).toEqual(['BAD_TEMPLATE', 7, 11, 'steps[0].input']);
  });

  it('refuses templates naming a step that is not guaranteed to run first', () => {
    const later = lines(
      'name: w',
      'steps:',
      '  - id: a',
      '    agent: a@',
      '    input: "{{ b.output }}"',
      '  - id: b',
      '    agent: b@',
    );
    expect(errorsOf(later)).toEqual([
      {
        code: 'UNKNOWN_STEP',
        message: 'the input of step a reads step "b", which is not guaranteed to finish before step "a"',
        path: 'steps[0].input',
        line: 5,
        column: 13,
        hint: 'add "b" to the needs of step "a"',
      },
    ]);
    const sibling = lines(
      'name: w',
      'steps:',
      '  - id: p',
      '    parallel:',
      '      - { id: x, agent: x@ }',
      '      - { id: y, agent: y@, input: "{{x.output}}" }',
    );
    expect(theIssue(sibling)).toEqual(['UNKNOWN_STEP', 6, 37, 'steps[0].parallel[1].input']);
    const notNeeded = lines(
      'name: w',
      'steps:',
      '  - { id: a, agent: a@ }',
      '  - { id: b, agent: b@, needs: [] }',
      '  - { id: c, agent: c@, input: "{{ a.output }}" }',
    );
    expect(theIssue(notNeeded)).toEqual(['UNKNOWN_STEP', 5, 33, 'steps[2].input']);
    const itself = lines('name: w', 'steps:', '  - { id: a, agent: a@, condition: "{{ a.success }}" }');
    expect(theIssue(itself)).toEqual(['UNKNOWN_STEP', 3, 37, 'steps[0].condition']);
  });

  it('refuses names that are neither steps, inputs nor scope names, with a suggestion', () => {
    const [issue] = errorsOf(
      lines(
        'name: w',
        'steps:',
        '  - { id: research, agent: a@ }',
        '  - { id: b, agent: b@, input: "{{ reserch.output }}" }',
      ),
    );
    expect(issue).toMatchObject({
      code: 'UNKNOWN_STEP',
      line: 4,
      column: 33,
      hint: 'did you mean "research"?',
    });
  });

  it('refuses goto and needs targets that do not exist, or are branches', () => {
    expect(
      theIssue(lines('name: w', 'steps:', '  - { id: a, agent: a@, on_error: { goto: nowhere } }')),
    ).toEqual(['UNKNOWN_STEP', 3, 43, 'steps[0].on_error.goto']);
    expect(
      theIssue(
        lines('name: w', 'steps:', '  - { id: a, agent: a@ }', '  - { id: b, agent: b@, needs: [aa] }'),
      ),
    ).toEqual(['UNKNOWN_STEP', 4, 33, 'steps[1].needs']);
    const branch = lines(
      'name: w',
      'steps:',
      '  - id: p',
      '    parallel: [{ id: x, agent: x@ }]',
      '  - { id: b, agent: b@, needs: x }',
    );
    expect(theIssue(branch)).toEqual(['INVALID_VALUE', 5, 32, 'steps[1].needs']);
    const sw = lines(
      'name: w',
      'steps:',
      '  - id: s',
      '    switch:',
      '      - { default: true, goto: nope }',
    );
    expect(theIssue(sw)).toEqual(['UNKNOWN_STEP', 5, 32, 'steps[0].switch[0].goto']);
    const arrow = lines(
      'name: w',
      'steps:',
      '  - id: c',
      '    type: checkpoint',
      '    message: ok',
      '    actions:',
      '      - edit → go to step drat',
    );
    expect(theIssue(arrow)).toEqual(['UNKNOWN_STEP', 7, 9, 'steps[0].actions.edit']);
  });

  it('refuses needs cycles', () => {
    const cycle = lines(
      'name: w',
      'steps:',
      '  - { id: a, agent: a@, needs: c }',
      '  - { id: b, agent: b@ }',
      '  - { id: c, agent: c@ }',
    );
    const [issue] = errorsOf(cycle);
    expect(issue).toMatchObject({ code: 'CYCLE', line: 3, column: 32, path: 'steps[0].needs' });
    expect(issue.message).toContain('a → c → b → a');
    expect(theIssue(lines('name: w', 'steps:', '  - { id: a, agent: a@, needs: a }'))).toEqual([
      'CYCLE',
      3,
      32,
      'steps[0].needs',
    ]);
    expect(theIssue(lines('name: w', 'steps:', '  - { id: a, workflow: w }'))).toEqual([
      'CYCLE',
      3,
      24,
      'steps[0].workflow',
    ]);
  });

  it('allows goto loops (bounded by max_visits)', () => {
    const loop = lines(
      'name: w',
      'steps:',
      '  - { id: a, agent: a@ }',
      '  - { id: b, agent: b@, on_error: { goto: a } }',
    );
    expect(parseWorkflow(loop).ok).toBe(true);
  });

  it('refuses a name that is both an input and a step id', () => {
    const clash = lines('name: w', 'inputs: [client]', 'steps:', '  - { id: client, agent: a@ }');
    expect(theIssue(clash)).toEqual(['NAME_CLASH', 4, 11, 'steps[0]']);
    expect(theIssue(lines('name: w', 'steps:', '  - { id: inputs, agent: a@ }'))).toEqual([
      'NAME_CLASH',
      3,
      11,
      'steps[0].id',
    ]);
  });

  it('refuses secrets in step input, message and output, and allows them in trigger settings', () => {
    expect(
      theIssue(lines('name: w', 'steps:', '  - id: a', '    agent: a@', '    input: "key {{secrets.KEY}}"')),
    ).toEqual(['INVALID_VALUE', 5, 17, 'steps[0].input']);
    expect(
      theIssue(lines('name: w', 'steps:', '  - { id: a, type: checkpoint, message: "{{ secrets.X }}" }')),
    ).toEqual(['INVALID_VALUE', 3, 42, 'steps[0].message']);
    expect(
      theIssue(lines('name: w', 'steps:', '  - { id: a, agent: a@ }', 'output: "{{secrets.X}}"')),
    ).toEqual(['INVALID_VALUE', 4, 10, 'output']);
    const hook = lines(
      'name: w',
      'trigger: { type: webhook, path: h, secret: "{{secrets.HOOK_KEY}}" }',
      'steps:',
      '  - { id: a, agent: a@ }',
    );
    expect(parseWorkflow(hook).ok).toBe(true);
  });

  it('reports every issue of a document, not only the first', () => {
    const many = lines(
      'name: Bad Name',
      'mode: later',
      'steps:',
      '  - id: a',
      '    agent: a',
      '    timeout: soon',
      '  - id: a',
      '    agent: b@',
      '  - id: c',
      '    agent: c@',
      '    input: "{{ zzz }}"',
    );
    expect(errorsOf(many).map((e) => [e.code, e.line])).toEqual([
      ['INVALID_VALUE', 1],
      ['INVALID_VALUE', 2],
      ['INVALID_VALUE', 5],
      ['BAD_DURATION', 6],
      ['DUPLICATE_STEP', 7],
      ['UNKNOWN_STEP', 11],
    ]);
  });

  it('reports the missing required input of a schedule', () => {
    const source = lines(
      'name: w',
      'inputs: [{ name: topic, required: true }]',
      'trigger: { type: schedule, cron: "0 7 * * *" }',
      'steps:',
      '  - { id: a, agent: a@ }',
    );
    expect(theIssue(source)).toEqual(['MISSING_INPUT', 3, 10, 'trigger']);
  });

  it('refuses cron and time zones that are not valid', () => {
    expect(
      theIssue(
        lines(
          'name: w',
          'trigger: { type: schedule, cron: "every day" }',
          'steps:',
          '  - { id: a, agent: a@ }',
        ),
      ),
    ).toEqual(['INVALID_VALUE', 2, 34, 'trigger.cron']);
    expect(
      theIssue(
        lines(
          'name: w',
          'trigger: { type: schedule, cron: "0 7 * * *", timezone: Mars/Base }',
          'steps:',
          '  - { id: a, agent: a@ }',
        ),
      ),
    ).toEqual(['INVALID_VALUE', 2, 57, 'trigger.timezone']);
  });
});

describe('parseWorkflow — limits', () => {
  const valid = lines('name: w', 'steps:', '  - { id: a, agent: a@ }');

  it('refuses a source larger than maxBytes', () => {
    expect(theIssue(valid + '#'.repeat(100), { maxBytes: 64 })).toEqual(['TOO_LARGE', 1, 1, '']);
    expect(parseWorkflow('# ' + 'é'.repeat(40) + '\n' + valid, { maxBytes: 100 }).ok).toBe(false);
  });

  it('counts UTF-8 bytes exactly at the bound (2-, 3- and 4-byte characters, as Buffer does)', () => {
    for (const char of ['é', '€', '😀']) {
      const source = '# ' + char.repeat(30) + '\n' + valid;
      const bytes = new TextEncoder().encode(source).length;
      expect(parseWorkflow(source, { maxBytes: bytes }).ok).toBe(true);
      expect(parseWorkflow(source, { maxBytes: bytes - 1 }).ok).toBe(false);
    }
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill('*' + String.fromCharCode(96 + i))
          .join(', ')}]`,
      );
    const started = Date.now();
    const errors = errorsOf(
      lines('name: w', 'vars:', ...bomb.map((l) => '  ' + l), 'steps:', '  - { id: a, agent: a@ }'),
    );
    expect(errors.map((e) => e.code)).toContain('TOO_LARGE');
    // A bound on pathological input (no request is held for long), far above the few ms it takes.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a self-referencing alias', () => {
    expect(
      errorsOf(lines('name: w', 'vars: &v { self: *v }', 'steps:', '  - { id: a, agent: a@ }')).map(
        (e) => e.code,
      ),
    ).toContain('TOO_LARGE');
  });

  it('refuses deep nesting, huge maps, too many steps and long templates', () => {
    const deep = 'name: w\nvars: ' + '['.repeat(40) + ']'.repeat(40) + '\nsteps:\n  - { id: a, agent: a@ }\n';
    expect(errorsOf(deep).map((e) => e.code)).toEqual(['TOO_LARGE']);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}: ${i}`).join(', ');
    expect(
      errorsOf(`name: w\nvars: { ${keys} }\nsteps:\n  - { id: a, agent: a@ }\n`).map((e) => e.code),
    ).toEqual(['TOO_LARGE']);
    const steps = Array.from({ length: 201 }, (_, i) => `  - { id: s${i}, agent: a@ }`).join('\n');
    expect(errorsOf(`name: w\nsteps:\n${steps}\n`).map((e) => e.code)).toEqual(['TOO_LARGE']);
    const long = `name: w\nsteps:\n  - { id: a, agent: a@, input: "${'x'.repeat(70_000)}" }\n`;
    expect(errorsOf(long).map((e) => e.code)).toEqual(['TOO_LARGE']);
  });
});
