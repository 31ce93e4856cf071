import type { RunEvent, WorkflowDefinition } from '@chainmail/contracts';
import { decideAndFold, type RunCommand } from '@chainmail/engine';
import type { AgentFactsLookup } from './agent-facts';
import type { InstantSteps } from './instant-steps';
import type { LoadedRun, RunStore } from './run-store';

export interface DefinitionSource {
  definition(workflow: string, version: number): Promise<WorkflowDefinition>;
}

export interface HandledCommand extends LoadedRun {
  events: RunEvent[];
}

/** Many results of one run can land at once (a wide parallel step); each conflict is one reload. */
const MAX_ATTEMPTS = 32;

/**
 * The one loop every run command goes through: load, decide, append with the expected sequence;
 * on a conflict reload and decide again. No locks: the log's sequence check is the arbiter.
 */
export class RunCommandHandler {
  constructor(
    private readonly runs: RunStore,
    private readonly definitions: DefinitionSource,
    private readonly isConflict: (err: unknown) => boolean,
    private readonly clock: () => number = Date.now,
    /** What the agent directory says of each address (kinds, prices, who may call): given to `decide`. */
    private readonly agents?: AgentFactsLookup,
    /** Instant builtins' steps, run while deciding so their results join the same commit. */
    private readonly instant?: InstantSteps,
  ) {}

  async handle(
    runId: string,
    command: RunCommand,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<HandledCommand> {
    // A cached state may be behind the log: another replica appended commits this one was not
    // delivered. A decision of nothing on such a state is checked against the log before it
    // counts (a conflict on append catches the other case), else a due timer or an agent's
    // reply could be lost on a replica that has not seen the event it answers.
    let fresh = !this.runs.isCached(runId);
    // A start is nearly always for a run with no commits: the append's `prev = 0` checks that, so
    // no read is spent on it (a run that exists after all conflicts and is reread).
    const assumeNew = fresh && command.type === 'StartRun';
    if (assumeNew) fresh = false;
    let loaded = assumeNew ? this.runs.unstarted(runId) : await this.runs.load(runId);
    const reread = async (): Promise<void> => {
      loaded = await this.runs.reload(runId);
      fresh = true;
    };
    for (let attempt = 1; ; attempt++) {
      // Only a start applies to a run with no events yet (a timer or decision for it is stale).
      if (loaded.state.status === 'new' && command.type !== 'StartRun') {
        if (fresh) return { ...loaded, events: [] };
        await reread();
        continue;
      }
      const { workflow, version, owner } =
        command.type === 'StartRun' && loaded.state.status === 'new' ? command.data : loaded.state;
      const definition = await this.definitions.definition(workflow, version);
      // The run acts with its owner's rights: the agents it may call are its owner's.
      const agents = this.agents ? { agents: this.agents(workflow, owner) } : {};
      const context = (): Parameters<typeof decideAndFold>[2] => ({
        definition,
        now: this.clock(),
        ...agents,
      });
      let decided = decideAndFold(command, loaded.state, context());
      if (decided.events.length === 0) {
        if (fresh) return { ...loaded, events: [] };
        await reread();
        continue;
      }
      if (this.instant !== undefined)
        decided = await this.instant.runAhead(decided, (state, result) =>
          decideAndFold({ type: 'CompleteStep', data: result }, state, context()),
        );
      try {
        const next = await this.runs.append(loaded, decided, msgId, headers);
        return { ...next, events: decided.events };
      } catch (err) {
        if (!this.isConflict(err) || attempt >= MAX_ATTEMPTS) throw err;
        await reread();
      }
    }
  }
}
