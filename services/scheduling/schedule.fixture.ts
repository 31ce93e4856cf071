import type { DefinitionCatalog } from '@chainmail/catalog';
import { parseWorkflow } from '@chainmail/workflow-dsl';

/** Test support: workflows with schedule triggers folded into a catalog, as the registry would. */

let seq = 0;

/** A workflow named `name` whose trigger list is `triggers` (YAML flow text). */
export function scheduledWorkflow(name: string, triggers: string, extra = ''): string {
  return [
    `name: ${name}`,
    `triggers: ${triggers}`,
    extra,
    'steps:',
    '  - { id: research, agent: research@ }',
    '  - { id: summarize, agent: summarize@ }',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** Publishes `source` as the next version of its workflow, at `at`; returns the version. */
export function publish(catalogs: DefinitionCatalog[], source: string, at = new Date()): number {
  const parsed = parseWorkflow(source);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const name = parsed.definition.name;
  const version = (catalogs[0].get(name)?.versions.length ?? 0) + 1;
  seq += 1;
  for (const catalog of catalogs) {
    catalog.apply(seq, {
      type: 'WorkflowPublished',
      v: 1,
      at: at.toISOString(),
      data: { name, version, source, definition: parsed.definition, publishedBy: 'test', owner: 'team' },
    });
  }
  return version;
}

/** Makes `version` of `name` active again, at `at`. */
export function rollback(
  catalogs: DefinitionCatalog[],
  name: string,
  toVersion: number,
  at = new Date(),
): void {
  const fromVersion = catalogs[0].get(name)?.activeVersion ?? 0;
  seq += 1;
  for (const catalog of catalogs) {
    catalog.apply(seq, {
      type: 'WorkflowRolledBack',
      v: 1,
      at: at.toISOString(),
      data: { name, fromVersion, toVersion, by: 'test' },
    });
  }
}

/** Pauses (or resumes) schedule `schedule` of `name`, at `at`. */
export function pauseSchedule(
  catalogs: DefinitionCatalog[],
  name: string,
  schedule: string,
  paused: boolean,
  at = new Date(),
): void {
  seq += 1;
  for (const catalog of catalogs) {
    catalog.apply(seq, {
      type: paused ? 'SchedulePaused' : 'ScheduleResumed',
      v: 1,
      at: at.toISOString(),
      data: { name, schedule, by: 'test' },
    });
  }
}
