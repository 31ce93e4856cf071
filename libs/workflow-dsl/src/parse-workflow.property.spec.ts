import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';
import { stringify } from 'yaml';
import { parseWorkflow, type ParseResult } from './parse-workflow';

/**
 * parseWorkflow must answer every input with ok or errors — never throw, never fall into its
 * internal-error safety net, and always give positions.
 */
function expectWellFormed(result: ParseResult): void {
  // Plain checks: jest's expect costs tens of microseconds a call, too much for thousands of runs.
  if (result.ok) {
    if (result.definition.steps.length === 0) throw new Error('a valid definition without steps');
    return;
  }
  if (result.errors.length === 0) throw new Error('refused without an error');
  for (const issue of result.errors) {
    if (issue.message.startsWith('internal parser error')) throw new Error(issue.message);
    if (!(issue.line !== undefined && issue.line >= 1 && issue.column !== undefined && issue.column >= 1)) {
      throw new Error(`issue without a position: ${JSON.stringify(issue)}`);
    }
  }
}

const parses = (source: string): void =>
  expectWellFormed(parseWorkflow(source, { knownAgents: (a) => a.length % 2 === 0 }));

const examples = ['competitor-analysis.yaml', 'my-workflow.yaml', 'human-review.yaml'].map((name) =>
  readFileSync(join(__dirname, '..', '..', '..', 'examples', name), 'utf8'),
);

/** Words the parser reacts to, so random documents reach deep into it. */
const KEYS = [
  'name',
  'id',
  'steps',
  'agent',
  'input',
  'needs',
  'trigger',
  'triggers',
  'type',
  'inputs',
  'vars',
  'output',
  'format',
  'template',
  'timeout',
  'retry',
  'max',
  'delay',
  'backoff',
  'on_error',
  'goto',
  'condition',
  'parallel',
  'foreach',
  'as',
  'concurrency',
  'switch',
  'when',
  'default',
  'workflow',
  'message',
  'actions',
  'approve',
  'edit',
  'cron',
  'path',
  'address',
  'config',
  'mode',
  'required',
  'max_visits',
  'secret',
  'inputs',
  'constructor',
  '__proto__',
];
const WORDS = [
  'a',
  'b',
  'research@',
  'a@',
  'checkpoint',
  'email',
  'schedule',
  'webhook',
  'email | webhook',
  'continue',
  'abort',
  'skip',
  '30s',
  '1h30m',
  'x',
  '{{a.output}}',
  '{{ b.json.x }}',
  '{{secrets.K}}',
  '{{',
  '}}',
  '{{ a-b.output }}',
  'approve → continue',
  'edit → go to step a',
  'goto a',
  '0 7 * * *',
  'string',
  'number',
  'true',
  'human-review',
  'fan-out',
  '{{ steps.fan-out }}',
  'email to x@',
  'async',
  'both',
];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -3, max: 300 }),
  fc.boolean(),
  fc.constant(null),
);
const workflowish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value'), {
    maxKeys: 6,
  }),
  list: fc.array(tie('value'), { maxLength: 5 }),
})).value;

// Generous: the runs take about a second, but a loaded CI machine must not turn that into a failure.
jest.setTimeout(30_000);

describe('parseWorkflow never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), parses), { numRuns: 300 });
    // Any UTF-16 code units, lone surrogates included.
    const codeUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 })
      .map((codes) => String.fromCharCode(...codes));
    fc.assert(fc.property(codeUnits, parses), { numRuns: 200 });
  });

  it('on arbitrary JSON values dumped as YAML and as JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        parses(stringify(value));
        parses(JSON.stringify(value) ?? 'null');
      }),
      { numRuns: 300 },
    );
  });

  it('on random workflow-shaped documents', () => {
    fc.assert(
      fc.property(
        workflowish,
        fc.array(
          fc.record({
            id: fc.constantFrom(...WORDS),
            agent: fc.constantFrom(...WORDS),
            input: scalar,
            needs: workflowish,
          }),
          { maxLength: 4 },
        ),
        (extra, steps) => {
          parses(
            stringify({
              name: 'w',
              steps,
              ...(typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? extra : {}),
            }),
          );
          parses(stringify(extra));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on random mutations of the seed examples', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 20 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        text: fc.oneof(
          fc.constantFrom(...WORDS, ':', '- ', '\n  ', '&a ', '*a', '"', '{', '[', '\t'),
          fc.string({ maxLength: 8 }),
        ),
      }),
      fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), other: fc.nat() }),
      fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (source, mutations) => {
          let text = source;
          for (const m of mutations) {
            if (m.kind === 'delete') {
              const at = m.at % (text.length + 1);
              text = text.slice(0, at) + text.slice(at + m.length);
            } else if (m.kind === 'insert') {
              const at = m.at % (text.length + 1);
              text = text.slice(0, at) + m.text + text.slice(at);
            } else {
              const rows = text.split('\n');
              const a = m.at % rows.length;
              if (m.kind === 'duplicateLine') rows.splice(a, 0, rows[a]);
              else {
                const b = m.other % rows.length;
                [rows[a], rows[b]] = [rows[b], rows[a]];
              }
              text = rows.join('\n');
            }
          }
          parses(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
