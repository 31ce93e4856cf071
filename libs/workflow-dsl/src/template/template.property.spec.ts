import fc from 'fast-check';
import { buildScope } from './scope';
import { renderTemplate } from './template';

/** Text an attacker controls (an agent's output, an email body), rich in template syntax. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '{{',
        '}}',
        'secrets.KEY',
        'run.id',
        'research.output',
        ' ',
        '{',
        '}',
        "'",
        '"',
        '|',
        '\\',
      ),
      fc.string({ maxLength: 6 }),
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

// Generous: the runs take about a second, but a loaded CI machine must not turn that into a failure.
jest.setTimeout(30_000);

describe('rendering never re-expands', () => {
  it('a step output comes out exactly as it went in', () => {
    fc.assert(
      fc.property(hostile, hostile, (output, prefix) => {
        const scope = buildScope({
          run: { id: 'run-1', started_at: '' },
          secrets: { KEY: 'SECRET-VALUE' },
          steps: { research: { output, success: true, attempts: 1, duration_ms: 1 } },
        });
        const safePrefix = prefix.replace(/\{/g, '(');
        expect(renderTemplate(`${safePrefix}{{research.output}}`, scope)).toBe(safePrefix + output);
        expect(renderTemplate('{{steps.research.output}}', scope)).toBe(output);
      }),
      { numRuns: 500 },
    );
  });

  it('an input comes out exactly as it went in, by bare name and through inputs', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const scope = buildScope({ run: { id: 'run-1', started_at: '' }, inputs: { topic: value } });
        expect(renderTemplate('<{{topic}}|{{inputs.topic}}>', scope)).toBe(`<${value}|${value}>`);
      }),
      { numRuns: 300 },
    );
  });
});
