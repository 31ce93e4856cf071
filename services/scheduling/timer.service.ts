import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import {
  CONSUMERS,
  FIRE_TIMER_SUBJECT,
  HEADERS,
  RUN_EVENTS_STREAM,
  RUN_SUBJECTS,
  TERMINAL_RUN_EVENTS,
  type FireTimer,
} from '@chainmail/contracts';
import {
  decodeRunMessage,
  CommandBus,
  mayHoldEvents,
  startBatchConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import { EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import { Alarm } from './alarm';
import { SCHEDULING_SETTINGS, type SchedulingSettings } from './scheduling.settings';
import type { TracedTimerPlan } from './timer-batch';
import { planTimers } from './timer-plan';
import { TimerRepository, type DueTimer, type FireResult } from './timer.repository';

const MIN_SLEEP_MS = 5;

/** The events `planTimers` arms or disarms for; a commit with none of them is skipped unparsed. */
const TIMER_EVENTS: ReadonlySet<string> = new Set([
  'RunStarted',
  'StepStarted',
  'StepSucceeded',
  'StepFailed',
  'StepSkipped',
  'StepRetryScheduled',
  'StepDeferred',
  'CheckpointOpened',
  'CheckpointResolved',
  'RunTimeoutDeferred',
  'RunRewound',
  ...TERMINAL_RUN_EVENTS,
]);

/**
 * Durable timers: a consumer shared by every replica arms and disarms them from RUN_EVENTS, and
 * a firing loop in each replica sends `FireTimer` when one is due. Timers live in Postgres, so a
 * restart loses none; claims skip each other's locked rows, so N replicas fire each timer once.
 */
@Injectable()
export class TimerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('scheduling');
  private readonly commands: CommandBus;
  private readonly alarm = new Alarm();
  private runner?: ConsumerRunner;
  private firing?: Promise<void>;
  private stopping = false;
  /** When the sleeping loop will look again; a timer armed due before it wakes the loop. */
  private wakeAtMs = Number.NEGATIVE_INFINITY;
  /** Earliest due time armed since the loop last read the next due time from the table. */
  private armedSinceLook = Number.POSITIVE_INFINITY;
  /** Start and stop run one at a time. */
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    private readonly timers: TimerRepository,
    @Inject(SCHEDULING_SETTINGS) private readonly settings: SchedulingSettings,
  ) {
    this.commands = new CommandBus(nc, names);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.autoStart) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts consuming run commits and firing due timers (idempotent). */
  start(): Promise<void> {
    return this.serially(async () => {
      if (this.runner) return;
      this.runner = await startBatchConsumer(this.nc, {
        stream: RUN_EVENTS_STREAM,
        durable: CONSUMERS.scheduling,
        filterSubject: RUN_SUBJECTS,
        maxBatch: this.settings.maxBatch,
        maxWaitMs: this.settings.maxWaitMs,
        names: this.names,
        logger: this.logger,
        handler: (messages) => this.handle(messages),
      });
      this.stopping = false;
      this.firing = this.fireLoop();
    });
  }

  /** Stops taking commits and firing; waits for the batch and the firing pass in hand. */
  stop(): Promise<void> {
    return this.serially(async () => {
      this.stopping = true;
      this.alarm.wake();
      const runner = this.runner;
      this.runner = undefined;
      await Promise.all([runner?.stop(), this.firing]);
      this.firing = undefined;
    });
  }

  /** Arms and disarms what one batch of commits asks for; throwing redelivers the batch later. */
  async handle(messages: readonly ConsumedMessage[]): Promise<void> {
    const plans: TracedTimerPlan[] = [];
    for (const message of messages) {
      if (!mayHoldEvents(message, TIMER_EVENTS)) continue;
      const decoded = decodeRunMessage(message);
      if (!decoded.ok) {
        this.logger.error(`skipping stream message ${message.seq}: ${decoded.reason}`);
        continue;
      }
      const traceparent = message.headers[HEADERS.traceparent];
      plans.push({ ...planTimers(decoded.commit), ...(traceparent ? { traceparent } : {}) });
    }
    const { earliestDueMs } = await this.timers.apply(plans);
    if (earliestDueMs === undefined) return;
    // A pass in hand may have read the next due time before this commit: it takes this one too.
    this.armedSinceLook = Math.min(this.armedSinceLook, earliestDueMs);
    // Wake the loop only for a timer due before it would look again (a day-long checkpoint does not).
    if (earliestDueMs < this.wakeAtMs) this.alarm.wake();
  }

  /** One firing pass at the injected clock's now: what the loop does each time it wakes. */
  fireDue(): Promise<FireResult> {
    const now = new Date(this.settings.clock());
    return this.timers.fireDue(now, this.settings.fireLimit, (timer) => this.send(timer));
  }

  private async send(timer: DueTimer): Promise<void> {
    const command: FireTimer = {
      type: 'FireTimer',
      commandId: timer.id,
      runId: timer.runId,
      timer: timer.purpose,
      dueAt: timer.dueAt.toISOString(),
    };
    const headers = timer.traceparent ? { [HEADERS.traceparent]: timer.traceparent } : undefined;
    await this.commands.send(FIRE_TIMER_SUBJECT, command, headers);
  }

  /**
   * Fires what is due, then sleeps until the next due time, at most `idlePollMs`: the timers this
   * replica arms wake it (see `handle`), so at idle it costs one query every `idlePollMs`.
   */
  private async fireLoop(): Promise<void> {
    const { pollMs, idlePollMs, fireLimit, clock } = this.settings;
    while (!this.stopping) {
      let waitMs = pollMs;
      try {
        const result = await this.fireDue();
        if (result.failed > 0) {
          this.logger.warn(`${result.failed} due timers could not be sent; retrying in ${pollMs} ms`);
        } else if (result.fired >= fireLimit) {
          continue; // more may be due already
        } else {
          this.armedSinceLook = Number.POSITIVE_INFINITY;
          const next = (await this.timers.nextDue())?.getTime() ?? Number.POSITIVE_INFINITY;
          // A few ms at least: a due timer still there is being sent by another replica.
          const dueMs = Math.min(next, this.armedSinceLook);
          waitMs = Math.min(idlePollMs, Math.max(MIN_SLEEP_MS, dueMs - clock()));
        }
      } catch (err) {
        if (this.stopping) return;
        this.logger.warn(`firing due timers failed; retrying in ${pollMs} ms: ${(err as Error).message}`);
      }
      if (this.stopping) return;
      this.wakeAtMs = clock() + waitMs;
      await this.alarm.sleep(waitMs);
      this.wakeAtMs = Number.NEGATIVE_INFINITY;
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(work, work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }
}
