import type { RunViewStatus, ScheduledRun } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';

/** The newest fired tick of one schedule, with its run's status from the run read model. */
export interface LastScheduledRun extends ScheduledRun {
  workflow: string;
  triggerKey: string;
  version: number;
}

export interface ScheduleKey {
  workflow: string;
  triggerKey: string;
}

/**
 * One index probe per schedule (the primary key, newest first), so a schedule with a long history
 * costs no more than one without.
 */
const LAST_RUNS = `
  SELECT k.workflow, k.trigger_key, t.scheduled_for, t.fired_at, t.run_id, t.version, r.status, r.ended_at
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workflow, trigger_key, n)
  CROSS JOIN LATERAL (
    SELECT s.scheduled_for, s.fired_at, s.run_id, s.version FROM schedule_ticks AS s
    WHERE s.workflow = k.workflow AND s.trigger_key = k.trigger_key
    ORDER BY s.scheduled_for DESC
    LIMIT 1
  ) AS t
  LEFT JOIN runs AS r ON r.id = t.run_id
  ORDER BY k.n`;

interface LastRunRow {
  workflow: string;
  trigger_key: string;
  scheduled_for: Date;
  fired_at: Date;
  run_id: string;
  version: number;
  status: RunViewStatus | null;
  ended_at: Date | null;
}

/** What the REST edge reads about schedules. Read-only. */
export class ScheduleReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The last run of each given schedule that has fired at least once, in the order asked. */
  async lastRuns(keys: readonly ScheduleKey[]): Promise<LastScheduledRun[]> {
    if (keys.length === 0) return [];
    const rows = (await this.dataSource.query(LAST_RUNS, [
      keys.map((k) => k.workflow),
      keys.map((k) => k.triggerKey),
    ])) as LastRunRow[];
    return rows.map((row) => ({
      workflow: row.workflow,
      triggerKey: row.trigger_key,
      scheduledFor: row.scheduled_for.toISOString(),
      firedAt: row.fired_at.toISOString(),
      runId: row.run_id,
      version: row.version,
      status: row.status ?? 'pending',
      endedAt: row.ended_at?.toISOString() ?? null,
    }));
  }
}
