import {
  ChainmailError,
  REGISTRY_PUBLISH_SUBJECT,
  REGISTRY_VALIDATE_SUBJECT,
  actorRights,
  publishableOwners,
  visibleOwners,
  type Actor,
  type PublishWorkflowRequest,
  type WorkflowOrigin,
} from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { ownerFor } from '../ownership/owner-access';
import type { RegistryClient } from '../registry.client';
import type { DefinitionIssue, PublishedWorkflow, ValidatedWorkflow } from './workflow.dto';

const CATALOG_WAIT_MS = 5_000;

/** A definition's text exactly as sent, and how to read it. */
export interface DefinitionSource {
  source: string;
  contentType: 'yaml' | 'json';
}

/** Publishing and validating go to the registry; a publish answers once this process's catalog has it. */
export class PublishWorkflowUseCase {
  constructor(
    private readonly registry: Pick<RegistryClient, 'request'>,
    private readonly catalog: Pick<DefinitionCatalog, 'waitFor'>,
  ) {}

  async publish(
    actor: Actor,
    definition: DefinitionSource,
    team: string | undefined,
    /** An install or update from the marketplace: recorded on the version. */
    origin?: WorkflowOrigin,
  ): Promise<PublishedWorkflow> {
    const rights = actorRights(actor);
    const request: PublishWorkflowRequest = {
      ...definition,
      publishedBy: actor.userId,
      // Yours, or `?team=<id>`'s (editor or owner there); a later version keeps its workflow's owner.
      owner: ownerFor(actor, team, 'publish'),
      publishFor: publishableOwners(rights),
      visibleTo: visibleOwners(rights),
      ...(origin !== undefined ? { origin } : {}),
    };
    const published = await this.registry.request<PublishedWorkflow & { seq: number }>(
      REGISTRY_PUBLISH_SUBJECT,
      request,
    );
    // Read-your-writes: the next request to this process sees the version it just published.
    await this.catalog.waitFor(published.seq, CATALOG_WAIT_MS);
    return {
      name: published.name,
      version: published.version,
      warnings: published.warnings,
      unchanged: published.unchanged === true,
    };
  }

  /** Changes nothing; an invalid definition is a 422 with every issue. */
  async validate(definition: DefinitionSource): Promise<ValidatedWorkflow> {
    const result = await this.registry.request<ValidatedWorkflow & { issues?: DefinitionIssue[] }>(
      REGISTRY_VALIDATE_SUBJECT,
      definition,
    );
    if (!result.valid) {
      const count = result.issues?.length ?? 0;
      throw new ChainmailError(
        'WORKFLOW_INVALID',
        `The workflow definition has ${count} problem(s); see details.issues.`,
        { issues: result.issues },
      );
    }
    return result;
  }
}
