import { DefinitionCatalog } from '@chainmail/catalog';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { triggerClaimIssues } from './trigger-claims';

const steps = 'steps:\n  - id: a\n    agent: echo@\n    input: hi\n';

function definitionOf(source: string): WorkflowDefinition {
  const parsed = parseWorkflow(source, { knownAgents: () => true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.definition;
}

function catalogWith(...published: [string, string][]): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  published.forEach(([owner, source], i) => {
    const definition = definitionOf(source);
    catalog.apply(i + 1, {
      type: 'WorkflowPublished',
      v: 1,
      at: '2026-01-01T00:00:00Z',
      data: { name: definition.name, version: 1, source, definition, publishedBy: 't', owner },
    });
  });
  return catalog;
}

const anns = catalogWith(
  [
    'user:ann',
    `name: ann-intel\ntriggers:\n  - email to competitor-intel@\n  - type: webhook\n    path: /intel\n    public: true\n${steps}`,
  ],
  ['team:red', `name: sales\ntrigger: email to sales@acme.example\n${steps}`],
);
const issues = (source: string, owner = 'user:bob') =>
  triggerClaimIssues(definitionOf(source), source, owner, anns);

describe("triggers another owner's workflow binds", () => {
  it('refuse an address or path taken, at its line and column, naming neither workflow nor owner', () => {
    const source = `name: copycat\ntriggers:\n  - email to competitor-intel@acme.example\n  - type: webhook\n    path: intel\n    public: true\n${steps}`;
    const found = issues(source);
    expect(found).toEqual([
      expect.objectContaining({ path: 'triggers[0].address', line: 3, column: 5 }),
      expect.objectContaining({ path: 'triggers[1].path', line: 5, column: 11 }),
    ]);
    expect(JSON.stringify(found)).not.toMatch(/ann|user:|team:/);
  });

  it('meet across domains only where one side binds any domain', () => {
    expect(issues(`name: b\ntrigger: email to sales@\n${steps}`)).toHaveLength(1);
    expect(issues(`name: b\ntrigger: email to sales@other.example\n${steps}`)).toEqual([]);
    expect(issues(`name: b\ntrigger: email to Sales@ACME.example\n${steps}`)).toHaveLength(1);
  });

  it('stay free for the same owner (its own choice) and for a new version of the same workflow', () => {
    expect(issues(`name: b\ntrigger: email to sales@\n${steps}`, 'team:red')).toEqual([]);
    expect(issues(`name: ann-intel\ntrigger: email to competitor-intel@\n${steps}`, 'user:ann')).toEqual([]);
    expect(issues(`name: other\ntrigger: email to research@\n${steps}`)).toEqual([]);
  });
});
