import { PROJECTOR_REBUILD_SUBJECT } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { RunProjectionProgress } from '@chainmail/persistence';
import type { NatsConnection } from 'nats';
import type { RegistryClient } from '../registry.client';
import type { ReplayStarted, ReplayStatus } from './replay.dto';

/** Starts a rebuild of the run views (the projector answers once it has begun) and reports its progress. */
export class ReplayService {
  constructor(
    private readonly requests: RegistryClient,
    private readonly progress: RunProjectionProgress,
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
  ) {}

  start(): Promise<ReplayStarted> {
    return this.requests.request<ReplayStarted>(PROJECTOR_REBUILD_SUBJECT, {});
  }

  async status(): Promise<ReplayStatus> {
    const [progress, lastSeq] = await Promise.all([this.progress.read(), this.lastSeq()]);
    return { ...progress, lastSeq, done: progress.appliedSeq >= (progress.targetSeq ?? 0) };
  }

  private async lastSeq(): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    return (await jsm.streams.info(this.names.runEventsStream)).state.last_seq;
  }
}
