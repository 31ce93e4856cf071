import type { PublishWorkflowRequest } from '@chainmail/contracts';
import { WorkerPool, WorkerTimeout } from '@chainmail/platform';
import type { ParseDefinitionTask, ParseResult } from '@chainmail/workflow-dsl';
import { checkDefinitionJob } from './definition.worker';

export type DefinitionSource = Pick<PublishWorkflowRequest, 'source' | 'contentType'>;

/**
 * Parses and validates a definition against the live agent directory. Parsing (and the rules
 * that need only the source, see definition.worker.ts) runs on the worker pool; the directory stays here, so an address the definition names that the
 * directory does not know (or that `refused` names) sends the source back for a second pass
 * that reports each use at its line and column.
 */
export class DefinitionParser {
  constructor(
    private readonly pool: WorkerPool,
    private readonly maxBytes: number,
  ) {}

  async parse(
    request: DefinitionSource,
    known: (address: string) => boolean,
    refused: ReadonlySet<string> = new Set(),
  ): Promise<ParseResult> {
    const task = { source: request.source, contentType: request.contentType, maxBytes: this.maxBytes };
    const first = await this.run({ ...task, unknownAgents: [...refused] });
    if (first === undefined) return timedOut();
    const unknown = first.agents.filter((address) => refused.has(address) || !isKnown(known, address));
    if (unknown.length === 0 || unknown.every((address) => refused.has(address))) return first.result;
    const second = await this.run({ ...task, unknownAgents: unknown });
    return second === undefined ? timedOut() : second.result;
  }

  private async run(task: ParseDefinitionTask) {
    try {
      return await this.pool.run(checkDefinitionJob, task);
    } catch (err) {
      if (err instanceof WorkerTimeout) return undefined;
      throw err;
    }
  }
}

/** The directory is the caller's code: if it throws, the agent counts as unknown. */
function isKnown(known: (address: string) => boolean, address: string): boolean {
  try {
    return known(address);
  } catch {
    return false;
  }
}

/** Past the time budget the definition is refused like any other that is too large. */
function timedOut(): ParseResult {
  return {
    ok: false,
    errors: [
      {
        code: 'TOO_LARGE',
        message: 'checking the definition took too long and was stopped',
        path: '',
        line: 1,
        column: 1,
        hint: 'make the definition smaller: fewer steps, shorter templates and expressions',
      },
    ],
  };
}
