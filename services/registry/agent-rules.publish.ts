import type { DefinitionCatalog } from '@chainmail/catalog';
import type { WorkerPool } from '@chainmail/platform';
import type { ParseResult } from '@chainmail/workflow-dsl';
import { stepAgents } from './agent-usage';
import type { DefinitionSource } from './definition-parser';
import { PublishWorkflow, type DefinitionAppender } from './publish-workflow.usecase';

/** Why a workflow may not call an agent (the entry's `allowedWorkflows`), or undefined when it may. */
export type AgentRestriction = (address: string, workflow: string) => string | undefined;

/**
 * Publishing with the agent directory's rules: besides unknown agents (the parser's
 * UNKNOWN_AGENT, from the live directory), an agent whose entry allows only other workflows is
 * refused, at the line and column of each step naming it.
 */
export class PublishWithAgentRules extends PublishWorkflow {
  constructor(
    catalog: DefinitionCatalog,
    log: DefinitionAppender,
    known: (address: string) => boolean,
    maxSourceBytes: number,
    private readonly restriction: AgentRestriction,
    pool?: WorkerPool,
  ) {
    super(catalog, log, known, maxSourceBytes, Date.now, pool);
  }

  override async validate(request: DefinitionSource): Promise<ParseResult> {
    const result = await super.validate(request);
    if (!result.ok) return result;
    const name = result.definition.name;
    const refused = new Map<string, string>();
    for (const address of stepAgents(result.definition.steps)) {
      const why = this.restriction(address, name);
      if (why !== undefined) refused.set(address, why);
    }
    if (refused.size === 0) return result;
    // Parse again with the refused agents unknown: the parser finds each use with its position.
    const again = await this.parser.parse(request, this.knownAgent, new Set(refused.keys()));
    const errors = again.ok ? [] : again.errors.filter((issue) => issue.code === 'UNKNOWN_AGENT');
    return {
      ok: false,
      errors: errors.map((issue) => {
        const why = refused.get(/"([^"]+)"/.exec(issue.message)?.[1] ?? '');
        return why === undefined
          ? issue
          : {
              ...issue,
              message: why,
              hint: 'ask the owner of the agent to allow this workflow, or use another agent',
            };
      }),
    };
  }
}
