import { REGISTRY_ROLLBACK_SUBJECT, type Actor } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { AuditRecorder } from '../identity/audit.recorder';
import type { RegistryClient } from '../registry.client';
import { workflowFor } from './workflow-access';
import type { RolledBackWorkflow } from './workflow.dto';

const CATALOG_WAIT_MS = 5_000;

/** Makes an earlier version active (running runs stay on theirs), and says so in the audit trail. */
export class RollbackWorkflowUseCase {
  constructor(
    private readonly registry: Pick<RegistryClient, 'request'>,
    private readonly catalog: DefinitionCatalog,
    private readonly audit: Pick<AuditRecorder, 'record'>,
  ) {}

  async execute(actor: Actor, name: string, version: number): Promise<RolledBackWorkflow> {
    const from = workflowFor(this.catalog, actor, name, 'publish').activeVersion;
    const result = await this.registry.request<RolledBackWorkflow & { seq: number }>(
      REGISTRY_ROLLBACK_SUBJECT,
      { name, version, by: actor.userId },
    );
    await this.catalog.waitFor(result.seq, CATALOG_WAIT_MS);
    // The definition log has the rollback already (with `by`); the audit trail lists it with the token.
    await this.audit.record(
      actor,
      'workflow.rolled_back',
      { kind: 'workflow', id: result.name },
      { fromVersion: from ?? null, toVersion: result.version },
    );
    return { name: result.name, version: result.version };
  }
}
