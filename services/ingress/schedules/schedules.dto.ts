import type { WorkflowEntry } from '@chainmail/catalog';
import type { LastScheduledRun, ScheduleKey } from '@chainmail/persistence';
import { CronSchedule, describeCron } from '@chainmail/workflow-dsl';
import type { ScheduleSummary, Trigger } from '@chainmail/contracts';

type ScheduleTrigger = Extract<Trigger, { type: 'schedule' }>;

/** The schedule triggers of every active version, keyed as scheduling keys their ticks. */
export function scheduleKeys(entries: readonly WorkflowEntry[]): ScheduleKey[] {
  return entries.flatMap((entry) =>
    scheduleTriggersOf(entry).map((_, index) => ({ workflow: entry.name, triggerKey: String(index) })),
  );
}

/** Every schedule of every active version with its next tick after `nowMs` and its last run. */
export function toScheduleSummaries(
  entries: readonly WorkflowEntry[],
  lastRuns: readonly LastScheduledRun[],
  nowMs: number,
): ScheduleSummary[] {
  const last = new Map(lastRuns.map((run) => [`${run.workflow}#${run.triggerKey}`, run]));
  return entries.flatMap((entry) => {
    const active = entry.versions.find((v) => v.version === entry.activeVersion);
    if (!active) return [];
    return scheduleTriggersOf(entry).map((trigger, index): ScheduleSummary => {
      const key = String(index);
      const parsed = CronSchedule.parse(trigger.cron, trigger.timezone);
      const next = parsed.ok ? parsed.schedule.nextAfter(nowMs) : undefined;
      const run = last.get(`${entry.name}#${key}`);
      const state = entry.scheduleStates[key];
      return {
        id: scheduleId(entry.name, key),
        name: entry.name,
        owner: entry.owner,
        version: active.version,
        schedule: key,
        cron: trigger.cron,
        timezone: trigger.timezone,
        description: describeCron(trigger.cron),
        catchUp: trigger.catchUp ?? 'none',
        steps: active.definition.steps.map((step) => step.id),
        output: active.definition.output.format,
        paused: state?.paused ?? false,
        pausedChange: state ? { at: state.since, by: state.by } : null,
        nextRunAt: next === undefined ? null : new Date(next).toISOString(),
        lastRun: run
          ? {
              runId: run.runId,
              scheduledFor: run.scheduledFor,
              firedAt: run.firedAt,
              status: run.status,
              endedAt: run.endedAt,
            }
          : null,
        ...(parsed.ok ? {} : { problem: parsed.reason }),
      };
    });
  });
}

/** A schedule's id in the API: its workflow and its position among the schedule triggers. */
export const scheduleId = (workflow: string, schedule: string): string => `${workflow}:${schedule}`;

/** How many schedule triggers the workflow's active version has. */
export const scheduleTriggerCount = (entry: WorkflowEntry): number => scheduleTriggersOf(entry).length;

function scheduleTriggersOf(entry: WorkflowEntry): ScheduleTrigger[] {
  const active = entry.versions.find((v) => v.version === entry.activeVersion);
  return (active?.definition.triggers ?? []).filter((t): t is ScheduleTrigger => t.type === 'schedule');
}
