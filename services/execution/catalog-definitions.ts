import type { DefinitionCatalog } from '@chainmail/catalog';
import type { WorkflowDefinition } from '@chainmail/contracts';
import type { ActiveVersions } from './child-runs';
import type { DefinitionSource } from './run-command-handler';

const WAIT_FOR_DEFINITION_MS = 5_000;

/** Definitions by pinned version; a version published a moment ago is waited for, briefly. */
export class CatalogDefinitions implements DefinitionSource, ActiveVersions {
  constructor(private readonly catalog: DefinitionCatalog) {}

  async definition(workflow: string, version: number): Promise<WorkflowDefinition> {
    const found = this.catalog.version(workflow, version);
    if (found) return found.definition;
    const deadline = Date.now() + WAIT_FOR_DEFINITION_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      const later = this.catalog.version(workflow, version);
      if (later) return later.definition;
    }
    throw new Error(`definition ${workflow}@${version} is not in the catalog; the run waits for redelivery`);
  }

  /** A sub-workflow runs the version active when its step starts. */
  activeVersion(workflow: string): number | undefined {
    return this.catalog.active(workflow)?.version;
  }

  ownerOf(workflow: string): string | undefined {
    return this.catalog.get(workflow)?.owner;
  }
}
