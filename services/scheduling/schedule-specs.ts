import type { WorkflowEntry } from '@chainmail/catalog';
import { CronSchedule } from '@chainmail/workflow-dsl';
import type { InputDeclaration, Trigger } from '@chainmail/contracts';

type ScheduleTrigger = Extract<Trigger, { type: 'schedule' }>;

/** One schedule trigger of a workflow's active version, ready to compute ticks. */
export interface ScheduleSpec {
  workflow: string;
  /** The active version: runs are pinned to it. */
  version: number;
  owner: string;
  /** Position among the definition's schedule triggers ("0", "1"…): adding an email trigger does not move it. */
  triggerKey: string;
  cron: string;
  timezone: string;
  catchUp: 'none' | 'last';
  /** The trigger's inputs over the declared defaults. */
  inputs: Record<string, unknown>;
  /**
   * When the active version became active (its publish or rollback). Ticks before it belong to
   * another version, so none of them counts as missed by this one.
   */
  activeSinceMs: number;
  schedule: CronSchedule;
  /** Changes whenever anything above does: the scheduler re-evaluates a changed schedule at once. */
  fingerprint: string;
}

export interface UnusableSchedule {
  workflow: string;
  triggerKey: string;
  reason: string;
}

/**
 * The schedules of every workflow's active version but the paused ones. A trigger the parser accepted but this cron
 * library cannot read (a definition published before cron was validated) is reported, not fired.
 */
export function scheduleSpecs(entries: readonly WorkflowEntry[]): {
  specs: ScheduleSpec[];
  unusable: UnusableSchedule[];
} {
  const specs: ScheduleSpec[] = [];
  const unusable: UnusableSchedule[] = [];
  for (const entry of entries) {
    const active = entry.versions.find((v) => v.version === entry.activeVersion);
    if (!active) continue;
    const triggers = active.definition.triggers.filter((t): t is ScheduleTrigger => t.type === 'schedule');
    triggers.forEach((trigger, index) => {
      const triggerKey = String(index);
      const state = entry.scheduleStates[triggerKey];
      if (state?.paused === true) return;
      const parsed = CronSchedule.parse(trigger.cron, trigger.timezone);
      if (!parsed.ok) {
        unusable.push({ workflow: entry.name, triggerKey, reason: parsed.reason });
        return;
      }
      // A resumed schedule counts ticks from its resume: those while it was paused are not missed.
      const activeSinceMs = Math.max(
        ...[entry.updatedAt, state?.since]
          .map((at) => Date.parse(at ?? ''))
          .filter((ms) => !Number.isNaN(ms)),
        0,
      );
      const catchUp = trigger.catchUp ?? 'none';
      const inputs = scheduledInputs(active.definition.inputs, trigger.inputs ?? {});
      specs.push({
        workflow: entry.name,
        version: active.version,
        owner: active.owner,
        triggerKey,
        cron: parsed.schedule.expression,
        timezone: parsed.schedule.timezone,
        catchUp,
        inputs,
        activeSinceMs,
        schedule: parsed.schedule,
        fingerprint: JSON.stringify([
          entry.name,
          triggerKey,
          active.version,
          trigger.cron,
          trigger.timezone,
          catchUp,
          entry.updatedAt,
          state?.since ?? null,
        ]),
      });
    });
  }
  return { specs, unusable };
}

/** Declared defaults, then the trigger's own inputs (the parser checked that required ones are given). */
export function scheduledInputs(
  declared: readonly InputDeclaration[],
  given: Record<string, unknown>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const input of declared) if (input.default !== undefined) inputs[input.name] = input.default;
  return { ...inputs, ...given };
}
