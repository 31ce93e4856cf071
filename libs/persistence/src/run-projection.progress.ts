import type { DataSource } from 'typeorm';
import { eventCountName, replayTargetName, RUN_PROJECTION_CHECKPOINT } from './run-projection.checkpoints';

export interface ReplayProgress {
  /** The stream sequence the last replay must reach (absent: the views were never rebuilt). */
  targetSeq?: number;
  /** When that replay began (ISO time). */
  startedAt?: string;
  /** The highest stream sequence whose commit is in the views, as committed in Postgres. */
  appliedSeq: number;
  /**
   * Events written since the views were last emptied (by the replay, if one was asked for). A
   * batch written again after its acknowledgement was lost counts twice: a progress figure.
   */
  appliedEvents: number;
}

/**
 * How far the run views are, read from Postgres: every projector replica shares one durable
 * consumer, so no one process's own position is the answer.
 */
export class RunProjectionProgress {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpointName: string = RUN_PROJECTION_CHECKPOINT,
  ) {}

  async read(): Promise<ReplayProgress> {
    const target = replayTargetName(this.checkpointName);
    const events = eventCountName(this.checkpointName);
    const rows = (await this.dataSource.query(
      'SELECT name, last_seq, updated_at FROM projection_checkpoints WHERE name = ANY($1)',
      [[this.checkpointName, target, events]],
    )) as Array<{ name: string; last_seq: string; updated_at: Date }>;
    const applied = rows.find((r) => r.name === this.checkpointName);
    const replay = rows.find((r) => r.name === target);
    const counted = rows.find((r) => r.name === events);
    return {
      appliedSeq: applied ? Number(applied.last_seq) : 0,
      appliedEvents: counted ? Number(counted.last_seq) : 0,
      ...(replay && { targetSeq: Number(replay.last_seq), startedAt: replay.updated_at.toISOString() }),
    };
  }
}
