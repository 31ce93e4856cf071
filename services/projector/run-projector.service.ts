import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CONSUMERS, RUN_EVENTS_STREAM, RUN_SUBJECTS, type StoredRunCommit } from '@chainmail/contracts';
import {
  decodeRunMessage,
  JS_ERR,
  jsErrorCode,
  startBatchConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import {
  announceProjectionApplied,
  projectCommits,
  PROJECTION_APPLIED_SUBJECT,
  RunProjectionWriter,
  type ProjectionBatch,
} from '@chainmail/persistence';
import { DATA_SOURCE, EVENT_LOG_NAMES, NATS_CONNECTION, TELEMETRY } from '@chainmail/platform';
import { extractTraceContext, runAttributes, type Telemetry, type Tracer } from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { AppliedSequence } from './applied-sequence';
import { PROJECTOR_SETTINGS, type ProjectorSettings } from './projector.settings';

export interface RebuildResult {
  /** The stream's last sequence when the replay began: wait for it to see the rebuilt views. */
  targetSeq: number;
}

/**
 * Keeps the run read models in step with RUN_EVENTS: a durable consumer shared by every replica,
 * a batch of commits per transaction. Writes are idempotent and order-insensitive, so
 * redeliveries, retries and replicas racing on one run all converge on the same rows.
 */
@Injectable()
export class RunProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly writer: RunProjectionWriter;
  private readonly applied = new AppliedSequence();
  private runner?: ConsumerRunner;
  /** Start, stop and rebuild run one at a time. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private rebuilding?: Promise<RebuildResult>;
  /** The batch write under way: the next batch's write waits for it. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly tracer: Tracer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
    @Inject(TELEMETRY) telemetry: Telemetry,
  ) {
    this.tracer = telemetry.tracer('projector');
    this.writer = new RunProjectionWriter(dataSource);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.autoStart) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
    this.applied.cancelWaiters();
  }

  /** Starts consuming (idempotent); the position starts at the committed checkpoint. */
  start(): Promise<void> {
    return this.serially(() => this.startConsumer());
  }

  /** Stops taking messages and waits for the batch being written. */
  stop(): Promise<void> {
    return this.serially(() => this.stopConsumer());
  }

  /** The highest stream sequence whose commit is in the read models (as seen by this process). */
  get appliedSequence(): number {
    return this.applied.position;
  }

  /** Resolves true once the read models reflect `seq`, false after `timeoutMs`. */
  waitForSequence(seq: number, timeoutMs: number): Promise<boolean> {
    return this.applied.waitFor(seq, timeoutMs);
  }

  /**
   * Drops the read models and replays the whole log into them. Concurrent calls share one rebuild.
   * The tables are emptied before the durable consumer is deleted: a replica that recreates the
   * consumer meanwhile then replays from 1 into empty tables, and nothing it wrote is lost.
   */
  rebuild(): Promise<RebuildResult> {
    this.rebuilding ??= this.serially(async () => {
      await this.stopConsumer();
      // Read first: the replay from 1 covers at least what the log held when it was asked for.
      const targetSeq = await this.streamLastSeq();
      await this.writer.truncate(targetSeq);
      await this.deleteConsumer();
      this.applied.reset(0);
      await this.startConsumer();
      this.logger.log(`rebuilding the read models: replaying ${targetSeq} messages`);
      return { targetSeq };
    }).finally(() => (this.rebuilding = undefined));
    return this.rebuilding;
  }

  /**
   * Writes one batch of messages; throwing makes the consumer redeliver all of them later. A batch
   * handed over while the previous one is being written is decoded and folded meanwhile, then
   * written after it: one transaction at a time, so the checkpoint never passes an unwritten batch.
   */
  async handle(messages: readonly ConsumedMessage[]): Promise<void> {
    const commits: StoredRunCommit[] = [];
    for (const message of messages) {
      const decoded = decodeRunMessage(message);
      if (decoded.ok) commits.push(decoded.commit);
      else this.logger.error(`skipping stream message ${decoded.seq}: ${decoded.reason}`);
    }
    const seqs = messages.map((m) => m.seq);
    const batch = this.project(commits);
    const write = this.writing.then(() => this.writer.write(batch));
    this.writing = write.catch(() => undefined);
    const started = Date.now();
    try {
      await write;
    } catch (err) {
      this.applied.failed(seqs);
      throw err;
    }
    this.applied.applied(seqs);
    this.announce(batch);
    this.traceBatch(messages, commits, started);
  }

  /** Tells readers waiting for their own writes (ProjectionWatermark) which runs are now in the views. */
  private announce(batch: ProjectionBatch): void {
    if (batch.runs.length === 0 || this.nc.isClosed()) return;
    try {
      announceProjectionApplied(this.nc, this.names.subject(PROJECTION_APPLIED_SUBJECT), batch);
    } catch (err) {
      // Readers re-check Postgres at their deadline: a lost announcement only delays them.
      this.logger.warn(`could not announce a written batch: ${(err as Error).message}`);
    }
  }

  /**
   * One span per commit, in its run's trace, covering the batch write that projected it. A
   * catch-up batch (a replay: thousands of commits of runs long over) gets one span of its own.
   */
  private traceBatch(
    messages: readonly ConsumedMessage[],
    commits: StoredRunCommit[],
    started: number,
  ): void {
    if (messages.length > this.settings.maxBatch) {
      this.tracer
        .startSpan('project catch-up batch', {
          startTime: started,
          attributes: {
            'chainmail.batch.commits': commits.length,
            'chainmail.batch.first_seq': messages[0].seq,
            'chainmail.batch.last_seq': messages[messages.length - 1].seq,
          },
        })
        .end();
      return;
    }
    const headers = new Map(messages.map((m) => [m.seq, m.headers]));
    commits.forEach((commit) => {
      const parent = extractTraceContext(headers.get(commit.seq));
      this.tracer
        .startSpan(
          'project run commit',
          { startTime: started, attributes: runAttributes({ runId: commit.runId }) },
          parent,
        )
        .end();
    });
  }

  /** Folds the batch; a commit the fold cannot read is reported and left out, not retried for ever. */
  private project(commits: StoredRunCommit[]): ProjectionBatch {
    try {
      return projectCommits(commits);
    } catch {
      const readable = commits.filter((commit) => {
        try {
          projectCommits([commit]);
          return true;
        } catch (err) {
          this.logger.error(`skipping stream message ${commit.seq}: ${(err as Error).message}`);
          return false;
        }
      });
      const batch = projectCommits(readable);
      return { ...batch, lastSeq: Math.max(batch.lastSeq, ...commits.map((c) => c.seq)) };
    }
  }

  private async startConsumer(): Promise<void> {
    if (this.runner) return;
    this.applied.reset(await this.writer.checkpoint());
    this.runner = await startBatchConsumer(this.nc, {
      stream: RUN_EVENTS_STREAM,
      durable: CONSUMERS.projector,
      filterSubject: RUN_SUBJECTS,
      maxBatch: this.settings.maxBatch,
      catchUpBatch: Math.max(this.settings.maxBatch, this.settings.catchUpBatch),
      overlap: true,
      maxWaitMs: this.settings.maxWaitMs,
      names: this.names,
      logger: this.logger,
      handler: (messages) => this.handle(messages),
    });
  }

  private async stopConsumer(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  private async deleteConsumer(): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    try {
      await jsm.consumers.delete(this.names.runEventsStream, CONSUMERS.projector);
    } catch (err) {
      if (jsErrorCode(err) !== JS_ERR.consumerNotFound) throw err;
    }
  }

  private async streamLastSeq(): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    return (await jsm.streams.info(this.names.runEventsStream)).state.last_seq;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(work, work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }
}
