import { readFileSync } from 'fs';
import { join } from 'path';
import { parseWorkflow } from './parse-workflow';
import { buildScope } from './template/scope';
import { renderTemplate } from './template/template';

const examples = join(__dirname, '..', '..', '..', 'examples');
const read = (name: string): string => readFileSync(join(examples, name), 'utf8');

describe('examples/', () => {
  it('competitor-analysis.yaml (the seed workflow, verbatim) parses into four chained agent steps', () => {
    const result = parseWorkflow(read('competitor-analysis.yaml'));
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    const { definition } = result;
    expect(definition.triggers).toEqual([{ type: 'email', address: 'competitor-intel@' }]);
    expect(definition.steps.map((s) => [s.id, s.kind === 'agent' ? s.agent : s.kind, s.needs])).toEqual([
      ['research', 'research@', []],
      ['summarize', 'summarize@', ['research']],
      ['draft', 'write-report@', ['summarize']],
      ['review', 'proofread@', ['draft']],
    ]);
    expect(definition.output).toEqual({ format: 'email', template: '{{review.output}}' });
    expect(definition.timeoutMs).toBe(600_000);
  });

  it('my-workflow.yaml (the seed format sketch, verbatim) parses with placeholder warnings', () => {
    const result = parseWorkflow(read('my-workflow.yaml'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.triggers).toEqual([
      { type: 'placeholder', choices: ['email', 'schedule', 'webhook'] },
    ]);
    expect(result.definition.output.format).toBe('email');
    expect(result.definition.steps[0]).toMatchObject({ id: 'step1', timeoutMs: 30_000, retry: { max: 2 } });
    expect(result.definition.steps[1]).toMatchObject({
      id: 'step2',
      condition: '{{step1.success}}',
      needs: ['step1'],
    });
    expect(result.warnings.map((w) => w.path)).toEqual(['trigger.type', 'output.format']);
  });

  it('human-review.yaml (the seed human-in-the-loop fragment) parses, with the arrows read', () => {
    const result = parseWorkflow(read('human-review.yaml'));
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    const review = result.definition.steps[1];
    expect(review).toMatchObject({
      id: 'human-review',
      kind: 'checkpoint',
      timeoutMs: 86_400_000,
      actions: {
        approve: { kind: 'continue' },
        reject: { kind: 'abort' },
        edit: { kind: 'goto', step: 'draft' },
      },
    });
    const scope = buildScope({
      inputs: { client: 'ACME', client_email: 'legal@acme.test' },
      run: { id: 'r', started_at: '' },
    });
    expect(
      result.definition.steps.map((s) => (s.input === undefined ? '' : renderTemplate(s.input, scope))),
    ).toEqual(['Draft contract for ACME', '', 'Send to legal@acme.test']);
    // Started by mail: the mail's text names the client, and the sender gets the contract.
    const mailed = buildScope({
      inputs: { user_input: 'Globex Ltd' },
      user_input: 'Globex Ltd',
      trigger: { kind: 'email', from: 'jane@acme.example' },
      run: { id: 'r', started_at: '' },
    });
    expect(
      result.definition.steps.map((s) => (s.input === undefined ? '' : renderTemplate(s.input, mailed))),
    ).toEqual(['Draft contract for Globex Ltd', '', 'Send to jane@acme.example']);
  });
});
