import { createHash } from 'node:crypto';
import type { StartRun } from '@chainmail/contracts';
import type { ScheduleSpec } from './schedule-specs';

/**
 * The run id of a tick, derived from what identifies it (workflow, schedule, scheduled time), so
 * every replica that fires the tick names the same run: JetStream's dedupe (the command id) and
 * the run log's first append then start it once. Shaped as a UUID (version 8, "custom").
 */
export function tickRunId(workflow: string, triggerKey: string, scheduledForMs: number): string {
  const hash = createHash('sha256');
  // Length-prefixed parts, so ("ab", "c") and ("a", "bc") differ.
  for (const part of ['schedule', workflow, triggerKey, new Date(scheduledForMs).toISOString()]) {
    hash.update(`${Buffer.byteLength(part)}:${part}`);
  }
  const hex = hash.digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The `StartRun` of one tick: pinned to the active version, with the schedule's inputs. */
export function scheduledStartRun(spec: ScheduleSpec, scheduledForMs: number): StartRun {
  const runId = tickRunId(spec.workflow, spec.triggerKey, scheduledForMs);
  return {
    type: 'StartRun',
    commandId: `start:${runId}`,
    runId,
    workflow: spec.workflow,
    version: spec.version,
    inputs: spec.inputs,
    trigger: {
      kind: 'schedule',
      details: {
        workflow: spec.workflow,
        cron: spec.cron,
        timezone: spec.timezone,
        scheduledFor: new Date(scheduledForMs).toISOString(),
        schedule: spec.triggerKey,
      },
    },
    owner: spec.owner,
    actor: 'schedule',
    debug: false,
  };
}
