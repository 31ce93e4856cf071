import { DefinitionCatalog } from '@chainmail/catalog';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { PublishWorkflow } from './publish-workflow.usecase';

const CHILD = `name: child
steps:
  - id: grand
    workflow: grandchild
`;
const GRANDCHILD = `name: grandchild
steps:
  - id: fan
    parallel:
      - id: back
        workflow: parent
`;
const PARENT = `name: parent
steps:
  - id: first
    agent: echo@
  - id: each
    foreach: "{{ [1, 2] }}"
    workflow: child
`;

function catalogWith(...sources: string[]): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  sources.forEach((source, i) => {
    const parsed = parseWorkflow(source, { knownAgents: () => true });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const definition: WorkflowDefinition = parsed.definition;
    catalog.apply(i + 1, {
      type: 'WorkflowPublished',
      v: 1,
      at: '2026-01-01T00:00:00.000Z',
      data: { name: definition.name, version: 1, source, definition, publishedBy: 't', owner: 'o' },
    });
  });
  return catalog;
}

const useCase = (catalog: DefinitionCatalog): PublishWorkflow =>
  new PublishWorkflow(
    catalog,
    { append: async () => ({ seq: 1 }), lastSequenceOf: async () => 0, isConflict: () => false },
    () => true,
    1_000_000,
  );

describe('publishing refuses workflows that call each other in a cycle', () => {
  it('walks workflow steps, foreach bodies and parallel branches through the active versions', async () => {
    const result = await useCase(catalogWith(CHILD, GRANDCHILD)).validate({
      source: PARENT,
      contentType: 'yaml',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'CYCLE',
        message: 'workflows call each other in a cycle: parent → child → grandchild → parent',
        path: 'steps[1].workflow',
        line: 7,
        column: 15,
      }),
    ]);
  });

  it('accepts a chain without a way back, and a call to a workflow not published yet', async () => {
    const chain = PARENT.replace('workflow: child', 'workflow: leaf');
    expect((await useCase(catalogWith(CHILD)).validate({ source: chain, contentType: 'yaml' })).ok).toBe(
      true,
    );
    expect(
      (
        await useCase(catalogWith(CHILD, GRANDCHILD.replace('parent', 'other'))).validate({
          source: PARENT,
          contentType: 'yaml',
        })
      ).ok,
    ).toBe(true);
  });

  it('refuses to publish it', async () => {
    await expect(
      useCase(catalogWith(CHILD, GRANDCHILD)).execute({
        source: PARENT,
        contentType: 'yaml',
        publishedBy: 't',
        owner: 'o',
      }),
    ).rejects.toMatchObject({
      code: 'WORKFLOW_INVALID',
    });
  });
});
