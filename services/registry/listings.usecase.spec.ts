import { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionEvent } from '@chainmail/contracts';
import { ListingUseCases, type ListingAppender } from './listings.usecase';

const source = `name: flow
trigger: { type: webhook, path: flow, secret: "{{ secrets.KEY }}" }
steps:
  - { id: a, agent: research@, input: "{{ vars.region }}" }
`;

/** A log that folds each append into the catalog at once, and can conflict once. */
function setup(): {
  catalog: DefinitionCatalog;
  listings: ListingUseCases;
  log: DefinitionEvent[];
  conflictNext: () => void;
} {
  const catalog = new DefinitionCatalog();
  const log: DefinitionEvent[] = [];
  let conflict = false;
  const append = (event: DefinitionEvent): { seq: number } => {
    log.push(event);
    catalog.apply(log.length, event);
    return { seq: log.length };
  };
  const appender: ListingAppender = {
    append: async (_id, event) => {
      if (conflict) {
        conflict = false;
        throw Object.assign(new Error('conflict'), { conflict: true });
      }
      return append(event);
    },
    lastSequenceOf: async () => log.length,
    isConflict: (err) => (err as { conflict?: boolean }).conflict === true,
  };
  const publish = (version: number): void => {
    append({
      type: 'WorkflowPublished',
      v: 1,
      at: '2026-12-07T10:00:00.000Z',
      data: {
        name: 'flow',
        version,
        source,
        definition: {
          name: 'flow',
          triggers: [],
          inputs: [],
          vars: {},
          steps: [
            {
              id: 'a',
              kind: 'agent',
              agent: 'research@',
              needs: [],
              onError: { kind: 'abort' },
              maxVisits: 10,
            },
          ],
          output: { format: 'none' },
          timeoutMs: 600_000,
          mode: 'async',
        },
        publishedBy: 'usr_ann',
        owner: 'user:usr_ann',
      },
    });
  };
  publish(1);
  publish(2);
  // The id is one per owner's workflow: a retry after a conflict names the same listing.
  const listings = new ListingUseCases(
    catalog,
    appender,
    () => Date.parse('2026-12-07T11:00:00Z'),
    (owner, workflow) => (owner === 'user:usr_ann' && workflow === 'flow' ? 'lst_1' : 'lst_other'),
  );
  return { catalog, listings, log, conflictNext: () => (conflict = true) };
}

const request = (workflowVersion: number) => ({
  workflow: 'flow',
  workflowVersion,
  visibility: 'public' as const,
  title: 'Flow',
  description: '',
  tags: ['x'],
  by: 'usr_ann',
});

describe('listings', () => {
  it("are versioned per owner's workflow, carry the names of what it needs, and refuse the same version twice", async () => {
    const { catalog, listings } = setup();
    expect(await listings.publish(request(1))).toMatchObject({ id: 'lst_1', version: 1 });
    await expect(listings.publish(request(1))).rejects.toThrow(/is already listing lst_1 version 1/);
    expect(await listings.publish(request(2))).toMatchObject({ id: 'lst_1', version: 2 });
    const listing = catalog.listings.get('lst_1')!;
    expect(listing.versions.map((v) => v.workflowVersion)).toEqual([1, 2]);
    expect(catalog.listings.latest(listing).requirements).toEqual({
      agents: ['research@'],
      workflows: [],
      secrets: ['KEY'],
      variables: ['region'],
    });
    await expect(listings.publish(request(3))).rejects.toThrow(/has no version 3/);
  });

  it('decide again after a conflict, star once per user, and unpublish until the next version', async () => {
    const { catalog, listings, log, conflictNext } = setup();
    conflictNext();
    await listings.publish(request(1));
    await listings.star({ id: 'lst_1', user: 'usr_bob', starred: true });
    const before = log.length;
    await listings.star({ id: 'lst_1', user: 'usr_bob', starred: true });
    expect(log.length).toBe(before);
    expect(catalog.listings.get('lst_1')!.stars.size).toBe(1);
    await listings.unpublish({ id: 'lst_1', by: 'usr_ann' });
    expect(catalog.listings.get('lst_1')!.unpublished).toBe(true);
    await listings.publish(request(2));
    expect(catalog.listings.get('lst_1')!.unpublished).toBe(false);
    await expect(listings.star({ id: 'nope', user: 'u', starred: true })).rejects.toThrow(
      /No marketplace listing/,
    );
  });
});
