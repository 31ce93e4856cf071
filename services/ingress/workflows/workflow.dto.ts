import type { WorkflowEntry, WorkflowVersion } from '@chainmail/catalog';

export function toWorkflowSummary(entry: WorkflowEntry): unknown {
  const active = entry.versions[entry.activeVersion - 1];
  return {
    name: entry.name,
    description: active?.definition.description ?? null,
    activeVersion: entry.activeVersion,
    latestVersion: entry.versions.length,
    owner: entry.owner,
    triggers: active?.definition.triggers ?? [],
    steps: active?.definition.steps.map((s) => s.id) ?? [],
    updatedAt: entry.updatedAt,
  };
}

export function toWorkflowDetail(entry: WorkflowEntry): unknown {
  const active = entry.versions[entry.activeVersion - 1];
  return {
    ...(toWorkflowSummary(entry) as object),
    version: entry.activeVersion,
    source: active?.source,
    definition: active?.definition,
  };
}

export function toVersionSummary(version: WorkflowVersion, activeVersion: number): unknown {
  return {
    version: version.version,
    publishedAt: version.publishedAt,
    publishedBy: version.publishedBy,
    active: version.version === activeVersion,
  };
}
