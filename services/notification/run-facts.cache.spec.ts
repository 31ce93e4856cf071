import { DefinitionCatalog } from '@chainmail/catalog';
import type { StoredRunCommit } from '@chainmail/contracts';
import { runRecordOf } from '@chainmail/persistence';
import { definitionOf, RunScript, SEED_YAML } from './notification.fixture';
import { RunFactsCache } from './run-facts.cache';

const definition = definitionOf(SEED_YAML);
const catalog = new DefinitionCatalog();
catalog.apply(1, {
  type: 'WorkflowPublished',
  v: 1,
  at: '2030-01-01T00:00:00.000Z',
  data: { name: definition.name, version: 1, source: '', definition, publishedBy: 't', owner: 'local' },
});

describe('RunFactsCache', () => {
  const run = new RunScript('r1', definition);
  const commits: StoredRunCommit[] = run
    .seedRun('the report', 9_000)
    .map((events, i) => ({ runId: 'r1', prev: i, seq: i + 1, events }));

  it('takes the facts from RunStarted when the commit has it, reading no view', async () => {
    const reads: number[] = [];
    const cache = new RunFactsCache(
      async (_id, seq) => (reads.push(seq), runRecordOf('r1', commits)!),
      catalog,
    );
    await expect(cache.of(commits[0])).resolves.toMatchObject({ runId: 'r1', isChild: false });
    expect(reads).toEqual([]);
  });

  it('reads the views (at the commit being handled) on a miss, and keeps what it read', async () => {
    const reads: number[] = [];
    const cache = new RunFactsCache(
      async (_id, seq) => (reads.push(seq), runRecordOf('r1', commits)!),
      catalog,
    );
    const facts = await cache.of(commits[2]);
    expect(facts).toMatchObject({
      runId: 'r1',
      workflow: definition.name,
      version: 1,
      trigger: { kind: 'email' },
      inputs: { user_input: expect.any(String) },
    });
    expect(facts?.definition).toBe(catalog.version(definition.name, 1)?.definition);
    await cache.of(commits[3]);
    expect(reads).toEqual([3]);
  });

  it('skips a run whose views know no start', async () => {
    const cache = new RunFactsCache(async () => runRecordOf('r1', commits.slice(2))!, catalog);
    await expect(cache.of(commits[2])).resolves.toBeUndefined();
  });
});
