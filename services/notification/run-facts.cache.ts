import type { DefinitionCatalog } from '@chainmail/catalog';
import { BoundedMap, type RunEventOf, type StoredRunCommit } from '@chainmail/contracts';
import type { RunRecord } from '@chainmail/persistence';
import { runFacts, runFactsOfView, type RunFacts } from './run-facts';

const MAX_RUNS = 10_000;

/** The run's views once the projector has reached commit `seq` (throws when it has not in time). */
export type RunViewAt = (runId: string, seq: number) => Promise<RunRecord>;

/**
 * The facts of runs this process is notifying about, newest kept. A miss (another replica saw the
 * start, or a restart) reads them from the run's views.
 */
export class RunFactsCache {
  private readonly runs = new BoundedMap<string, RunFacts>(MAX_RUNS);

  constructor(
    private readonly viewAt: RunViewAt,
    private readonly catalog: DefinitionCatalog,
  ) {}

  /** Undefined for a run whose start cannot be found (it is not notified about). */
  async of(commit: StoredRunCommit): Promise<RunFacts | undefined> {
    const cached = this.runs.get(commit.runId);
    if (cached) return cached;
    const started = findStart(commit);
    let start: { workflow: string; version: number; facts: (d: RunFacts['definition']) => RunFacts };
    if (started) {
      start = { ...started.data, facts: (definition) => runFacts(started, definition) };
    } else {
      const view = await this.viewAt(commit.runId, commit.seq);
      // A run the views know only through later commits has no start in the log.
      if (view.workflow === '') return undefined;
      start = { workflow: view.workflow, version: view.version, facts: (d) => runFactsOfView(view, d) };
    }
    const { workflow, version } = start;
    const definition = this.catalog.version(workflow, version)?.definition;
    // The run started on this version, so it exists: this process's catalog has not caught up yet.
    if (!definition) throw new Error(`workflow ${workflow} version ${version} is not in the catalog yet`);
    const facts = start.facts(definition);
    this.runs.set(commit.runId, facts);
    return facts;
  }

  /** The run has ended, or waits: its facts are not needed for now (a later commit reads them back). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }
}

function findStart(commit: StoredRunCommit): RunEventOf<'RunStarted'> | undefined {
  return commit.events.find((e): e is RunEventOf<'RunStarted'> => e.type === 'RunStarted');
}
