import type { DefinitionCatalog } from '@chainmail/catalog';
import type { RunCommit, RunEventOf } from '@chainmail/contracts';
import type { RunLog } from '@chainmail/event-log';
import { runFacts, type RunFacts } from './run-facts';

const MAX_RUNS = 10_000;

/**
 * The facts of runs this process is notifying about, newest kept. A miss (another replica saw the
 * start, or a restart) reads the run's first commit from the log.
 */
export class RunFactsCache {
  private readonly runs = new Map<string, RunFacts>();

  constructor(
    private readonly log: RunLog,
    private readonly catalog: DefinitionCatalog,
  ) {}

  /** Undefined for a run whose start cannot be found (it is not notified about). */
  async of(commit: RunCommit): Promise<RunFacts | undefined> {
    const cached = this.runs.get(commit.runId);
    if (cached) return cached;
    const started =
      findStart(commit) ??
      findStart((await this.log.read(commit.runId))[0] ?? { runId: commit.runId, prev: 0, events: [] });
    if (!started) return undefined;
    const { workflow, version } = started.data;
    const definition = this.catalog.version(workflow, version)?.definition;
    // The run started on this version, so it exists: this process's catalog has not caught up yet.
    if (!definition) throw new Error(`workflow ${workflow} version ${version} is not in the catalog yet`);
    const facts = runFacts(started, definition);
    this.runs.set(commit.runId, facts);
    if (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    return facts;
  }

  /** The run has ended: its facts are not needed again (a redelivery reads them back). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }
}

function findStart(commit: RunCommit): RunEventOf<'RunStarted'> | undefined {
  return commit.events.find((e): e is RunEventOf<'RunStarted'> => e.type === 'RunStarted');
}
