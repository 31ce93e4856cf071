import { ChainmailError, REGISTRY_SCHEDULE_PAUSE_SUBJECT, type Actor } from '@chainmail/contracts';
import type { DefinitionCatalog, WorkflowEntry } from '@chainmail/catalog';
import type { AuditRecorder } from '../identity/audit.recorder';
import type { RegistryClient } from '../registry.client';
import { workflowFor } from '../workflows/workflow-access';
import { scheduleId, scheduleTriggerCount } from './schedules.dto';

const CATALOG_WAIT_MS = 5_000;

export interface ScheduleTarget {
  name: string;
  schedule: string;
}

/**
 * Pauses and resumes a schedule (`<workflow>:<n>`, or the workflow's name when it has one
 * schedule): the registry appends the fact to the definition log, every process's catalog folds
 * it, and the scheduler skips a paused schedule from its next pass. Needs the role that may
 * change the workflow (`editor` or `owner`).
 */
export class PauseScheduleUseCase {
  constructor(
    private readonly registry: Pick<RegistryClient, 'request'>,
    private readonly catalog: DefinitionCatalog,
    private readonly audit: Pick<AuditRecorder, 'record'>,
  ) {}

  async execute(actor: Actor, id: string, paused: boolean): Promise<ScheduleTarget & { paused: boolean }> {
    const target = this.target(actor, id);
    const result = await this.registry.request<ScheduleTarget & { paused: boolean; seq: number }>(
      REGISTRY_SCHEDULE_PAUSE_SUBJECT,
      { ...target, paused, by: actor.userId },
    );
    await this.catalog.waitFor(result.seq, CATALOG_WAIT_MS);
    await this.audit.record(actor, paused ? 'schedule.paused' : 'schedule.resumed', {
      kind: 'schedule',
      id: scheduleId(target.name, target.schedule),
    });
    return { name: result.name, schedule: result.schedule, paused: result.paused };
  }

  /** The schedule an id names, when the caller may change its workflow: else 404, 403 or 422. */
  private target(actor: Actor, id: string): ScheduleTarget {
    const colon = id.lastIndexOf(':');
    const name = colon < 0 ? id : id.slice(0, colon);
    const entry = workflowFor(this.catalog, actor, name, 'publish');
    const count = scheduleTriggerCount(entry);
    const schedule = colon < 0 ? onlySchedule(entry, count) : id.slice(colon + 1);
    if (!/^\d+$/.test(schedule) || Number(schedule) >= count) {
      throw new ChainmailError(
        'SCHEDULE_NOT_FOUND',
        `Workflow "${name}" has no schedule ${schedule}; its schedules are ${ids(entry, count)}.`,
        { name, schedule, schedules: range(count).map((n) => scheduleId(entry.name, String(n))) },
      );
    }
    return { name, schedule };
  }
}

function onlySchedule(entry: WorkflowEntry, count: number): string {
  if (count === 1) return '0';
  throw new ChainmailError(
    'SCHEDULE_NOT_FOUND',
    count === 0
      ? `Workflow "${entry.name}" has no schedule trigger in its active version.`
      : `Workflow "${entry.name}" has ${count} schedules: name one of ${ids(entry, count)}.`,
    { name: entry.name, schedules: range(count).map((n) => scheduleId(entry.name, String(n))) },
  );
}

const range = (count: number): number[] => Array.from({ length: count }, (_, n) => n);
const ids = (entry: WorkflowEntry, count: number): string =>
  count === 0
    ? 'none'
    : range(count)
        .map((n) => `"${scheduleId(entry.name, String(n))}"`)
        .join(', ');
