import { rewriteWorkflow } from './rewrite-workflow';

describe('rewriteWorkflow', () => {
  it('renames and swaps agent addresses in every step, keeping comments and other text', () => {
    const source = `# shared by ann
name: ann-flow
steps:
  - id: a
    agent: ann-writer@   # ann's own
    input: "ann-writer@ is named in text, left alone"
  - id: fan
    parallel:
      - { id: b, agent: ann-writer@, input: x }
      - { id: c, agent: echo@, input: y }
`;
    const out = rewriteWorkflow(source, 'bob-flow', { 'ann-writer@': 'bob-writer@' });
    expect(out).toContain('# shared by ann');
    expect(out).toContain('name: bob-flow');
    expect(out).not.toMatch(/agent: ann-writer@/);
    expect(out.match(/agent: bob-writer@/g)).toHaveLength(2);
    expect(out).toContain('ann-writer@ is named in text, left alone');
    expect(out).toContain('agent: echo@');
  });

  it('rebinds webhook paths and email addresses', () => {
    const source =
      'name: a\ntriggers:\n  - { type: webhook, path: ann-hook }\n  - { type: email, address: ann@ }\nsteps:\n  - { id: s, agent: echo@, input: x }\n';
    const out = rewriteWorkflow(source, 'b', {}, { 'ann-hook': 'bob-hook', 'ann@': 'bob@' });
    expect(out).toContain('path: bob-hook');
    expect(out).toContain('address: bob@');
  });

  it('reads JSON sources too', () => {
    expect(rewriteWorkflow('{"name": "j", "steps": [{"id": "a", "agent": "echo@"}]}', 'k')).toMatch(
      /"?name"?: "?k"?/,
    );
  });
});
