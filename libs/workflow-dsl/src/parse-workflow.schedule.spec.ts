import { readFileSync } from 'fs';
import { join } from 'path';
import { parseWorkflow } from './parse-workflow';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
const withTrigger = (trigger: string): string =>
  lines('name: w', trigger, 'steps:', '  - { id: a, agent: a@ }');

function errorsOf(source: string) {
  const result = parseWorkflow(source);
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.errors;
}

describe('parseWorkflow — schedule triggers', () => {
  it('refuses a cron field out of range, saying which and where', () => {
    expect(errorsOf(withTrigger('trigger: { type: schedule, cron: "61 7 * * *" }'))).toEqual([
      {
        code: 'INVALID_VALUE',
        message: '"61 7 * * *" is not a cron expression: Invalid value for minute: 61',
        path: 'trigger.cron',
        line: 2,
        column: 34,
        hint: expect.stringContaining('five fields'),
      },
    ]);
  });

  it('refuses a cron that never fires', () => {
    const [issue] = errorsOf(
      lines(
        'name: w',
        'trigger:',
        '  type: schedule',
        '  cron: "0 7 30 2 *"',
        'steps:',
        '  - { id: a, agent: a@ }',
      ),
    );
    expect(issue).toMatchObject({ code: 'INVALID_VALUE', path: 'trigger.cron', line: 4, column: 9 });
    expect(issue.message).toContain('never fires');
  });

  it('refuses a bad cron in the shorthand and in a list of triggers', () => {
    expect(errorsOf(withTrigger('trigger: schedule 0 7 * *'))[0]).toMatchObject({
      code: 'INVALID_VALUE',
      path: 'trigger',
      line: 2,
      column: 10,
    });
    const [issue] = errorsOf(
      lines(
        'name: w',
        'triggers:',
        '  - email to w@',
        '  - { type: schedule, cron: "0 24 * * *" }',
        'steps:',
        '  - { id: a, agent: a@ }',
      ),
    );
    expect(issue).toMatchObject({ path: 'triggers[1].cron', line: 4, column: 29 });
    expect(issue.message).toContain('hour');
  });

  it('accepts six fields (seconds first) and spells the time zone as Intl does', () => {
    const result = parseWorkflow(
      withTrigger('trigger: { type: schedule, cron: "*/2 * * * * *", timezone: europe/berlin }'),
    );
    expect(result.ok && result.definition.triggers).toEqual([
      { type: 'schedule', cron: '*/2 * * * * *', timezone: 'Europe/Berlin' },
    ]);
  });

  it('refuses a time zone with its line and column', () => {
    expect(
      errorsOf(withTrigger('trigger: { type: schedule, cron: "0 7 * * *", timezone: Europe/Atlantis }')),
    ).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', path: 'trigger.timezone', line: 2, column: 57 }),
    ]);
  });

  it('parses examples/daily-news-digest.yaml: every day at 7:00 in Berlin, research → summarize, by mail', () => {
    const source = readFileSync(
      join(__dirname, '..', '..', '..', 'examples', 'daily-news-digest.yaml'),
      'utf8',
    );
    const result = parseWorkflow(source);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    expect(result.definition.triggers).toEqual([
      { type: 'schedule', cron: '0 7 * * *', timezone: 'Europe/Berlin', inputs: { topic: 'AI agents' } },
    ]);
    expect(result.definition.steps.map((s) => s.id)).toEqual(['research', 'summarize']);
    expect(result.definition.output).toMatchObject({ format: 'email', to: 'digest@example.com' });
  });
});
