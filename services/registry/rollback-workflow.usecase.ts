import { ChainmailError, type RollbackWorkflowRequest } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionAppender } from './publish-workflow.usecase';

/** Makes an earlier version active again. Runs already started stay on the version they began with. */
export class RollbackWorkflow {
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly log: DefinitionAppender,
    private readonly clock: () => number = Date.now,
  ) {}

  async execute(request: RollbackWorkflowRequest): Promise<{ name: string; version: number; seq: number }> {
    const entry = this.catalog.get(request.name);
    if (!entry) {
      throw new ChainmailError('WORKFLOW_NOT_FOUND', `No workflow is named "${request.name}".`, {
        name: request.name,
      });
    }
    if (!Number.isInteger(request.version) || !this.catalog.version(request.name, request.version)) {
      throw new ChainmailError(
        'VERSION_NOT_FOUND',
        `Workflow "${request.name}" has no version ${request.version}; it has versions 1 to ${entry.versions.length}.`,
        { name: request.name, version: request.version, latest: entry.versions.length },
      );
    }
    if (entry.activeVersion === request.version) {
      return { name: request.name, version: request.version, seq: entry.lastSeq };
    }
    const { seq } = await this.log.append(
      request.name,
      {
        type: 'WorkflowRolledBack',
        v: 1,
        at: new Date(this.clock()).toISOString(),
        data: {
          name: request.name,
          fromVersion: entry.activeVersion,
          toVersion: request.version,
          by: request.by,
        },
      },
      entry.lastSeq,
    );
    return { name: request.name, version: request.version, seq };
  }
}
