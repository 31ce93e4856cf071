import { parseWorkflow } from '@chainmail/workflow-dsl';
import { missingSecretIssues } from './secret-refs.publish';

const steps = 'steps:\n  - id: a\n    agent: echo@\n    input: "{{inputs}}"\n';

function issuesOf(source: string, owner: string, names: string[]) {
  const parsed = parseWorkflow(source, { knownAgents: () => true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return missingSecretIssues(parsed.definition, source, owner, new Set(names));
}

describe('secrets named in trigger settings', () => {
  const source = `name: hook\ntrigger:\n  type: webhook\n  path: hook\n  secret: "{{ secrets.HOOK_KEY }}"\n${steps}`;

  it('are refused with line and column when the owner does not have them, saying how to set them', () => {
    expect(issuesOf(source, 'team:t9', ['OTHER'])).toEqual([
      {
        code: 'INVALID_VALUE',
        message: 'the webhook trigger names the secret HOOK_KEY, which team:t9 does not have',
        path: 'trigger',
        line: 5,
        column: 12,
        hint: 'set it first: chainmail secrets set HOOK_KEY --team t9 < file',
      },
    ]);
  });

  it('pass when the owner has them, and literal secrets are not references', () => {
    expect(issuesOf(source, 'user:u', ['HOOK_KEY'])).toEqual([]);
    expect(issuesOf(source.replace('"{{ secrets.HOOK_KEY }}"', 'plain-shared-secret'), 'user:u', [])).toEqual(
      [],
    );
  });
});
