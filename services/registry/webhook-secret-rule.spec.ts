import { parseWorkflow } from '@chainmail/workflow-dsl';
import { openWebhookIssues } from './webhook-secret-rule';

function issuesOf(source: string) {
  const parsed = parseWorkflow(source, { knownAgents: () => true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return openWebhookIssues(parsed.definition, source);
}

const steps = 'steps:\n  - id: a\n    agent: echo@\n    input: "{{inputs}}"\n';

describe('webhook triggers without a secret', () => {
  it('are refused with line and column unless public: true', () => {
    const issues = issuesOf(`name: hook\ntrigger:\n  type: webhook\n  path: hook\n${steps}`);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', path: 'trigger', line: 3, column: 3 }),
    ]);
    expect(issues[0].hint).toContain('public: true');
    expect(issuesOf(`name: hook\ntrigger:\n  type: webhook\n  path: hook\n  public: true\n${steps}`)).toEqual(
      [],
    );
    expect(
      issuesOf(`name: hook\ntrigger:\n  type: webhook\n  path: hook\n  secret: "{{secrets.K}}"\n${steps}`),
    ).toEqual([]);
  });

  it('are found in a list of triggers at their index', () => {
    const issues = issuesOf(
      `name: hook\ntriggers:\n  - type: schedule\n    cron: "0 7 * * *"\n  - type: webhook\n    path: hook\n${steps}`,
    );
    expect(issues).toEqual([expect.objectContaining({ path: 'triggers[1]', line: 5, column: 5 })]);
  });
});
