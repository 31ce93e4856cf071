import { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionEvent } from '@chainmail/contracts';
import { PublishWorkflow, type DefinitionAppender } from './publish-workflow.usecase';

const V1 = `name: greet
steps:
  - id: hello
    agent: echo@
`;
const V2 = V1.replace('hello', 'hi');

/** A DEFINITION_EVENTS stand-in that feeds the catalog as the real stream would. */
function setup(): { publish: PublishWorkflow; appended: DefinitionEvent[]; catalog: DefinitionCatalog } {
  const catalog = new DefinitionCatalog();
  const appended: DefinitionEvent[] = [];
  const log: DefinitionAppender = {
    append: async (_name, event) => {
      appended.push(event);
      catalog.apply(appended.length, event);
      return { seq: appended.length };
    },
    lastSequenceOf: async () => appended.length,
    isConflict: () => false,
  };
  return { publish: new PublishWorkflow(catalog, log, () => true, 1_000_000), appended, catalog };
}

const request = (source: string) => ({
  source,
  contentType: 'yaml' as const,
  publishedBy: 'u',
  owner: 'user:u',
});

describe('publishing the text of the active version again', () => {
  it('makes no new version and answers the active one', async () => {
    const { publish, appended } = setup();
    const first = await publish.execute(request(V1));
    const again = await publish.execute(request(V1));

    expect(first).toMatchObject({ version: 1, unchanged: false });
    expect(again).toMatchObject({ name: 'greet', version: 1, unchanged: true, seq: first.seq });
    expect(appended).toHaveLength(1);
  });

  it('makes a new version when the text differs, even by one word', async () => {
    const { publish, appended } = setup();
    await publish.execute(request(V1));
    const changed = await publish.execute(request(V2));

    expect(changed).toMatchObject({ version: 2, unchanged: false });
    expect(appended).toHaveLength(2);
  });

  it('makes a new version after a rollback, when the text is not the active one', async () => {
    const { publish, appended, catalog } = setup();
    await publish.execute(request(V1));
    await publish.execute(request(V2));
    catalog.apply(3, {
      type: 'WorkflowRolledBack',
      v: 1,
      at: '2026-01-01T00:00:00.000Z',
      data: { name: 'greet', fromVersion: 2, toVersion: 1, by: 'u' },
    } as DefinitionEvent);

    const reapplied = await publish.execute(request(V1));
    expect(reapplied).toMatchObject({ version: 3, unchanged: false });
    expect(appended).toHaveLength(3);
  });
});
