import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { START_RUN_SUBJECT } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { CommandBus, type EventLogNames } from '@chainmail/event-log';
import { DEFINITION_CATALOG, EVENT_LOG_NAMES, NATS_CONNECTION, TELEMETRY } from '@chainmail/platform';
import {
  injectTraceHeaders,
  runAttributes,
  SpanKind,
  withSpan,
  type Telemetry,
  type Tracer,
} from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import { Alarm } from './alarm';
import { scheduleSpecs, type ScheduleSpec } from './schedule-specs';
import { ScheduleRepository, type EvaluationOutcome, type PlannedTick } from './schedule.repository';
import { scheduledStartRun, tickRunId } from './scheduled-run';
import { SCHEDULING_SETTINGS, type SchedulingSettings } from './scheduling.settings';
import { decideTick, windowStart } from './tick-decision';

/** A replica that found a schedule held by another looks again this soon. */
const BUSY_RETRY_MS = 25;
const MIN_SLEEP_MS = 5;

interface Tracked {
  spec: ScheduleSpec;
  /** When this replica next evaluates it; -Infinity: at once (new or changed). */
  nextDueMs: number;
}

/** What one pass did, for tests and logs. */
export interface SchedulePassResult {
  fired: Array<{ workflow: string; triggerKey: string; scheduledFor: string; runId: string }>;
  evaluated: number;
}

/**
 * Cron triggers: every schedule of every workflow's active version (from the live definition
 * catalog) fires a `StartRun` at each tick. Each replica wakes at the next tick of any schedule
 * and evaluates the due ones in Postgres; the tick's row is the claim, so N replicas start one
 * run per tick. A newly published or rolled-back version changes the schedules at once.
 */
@Injectable()
export class CronScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('scheduling');
  private readonly commands: CommandBus;
  private readonly tracer: Tracer;
  private readonly alarm = new Alarm();
  private tracked = new Map<string, Tracked>();
  private seenCatalogSeq = -1;
  private loop?: Promise<void>;
  private stopping = false;
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(EVENT_LOG_NAMES) names: EventLogNames,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(TELEMETRY) telemetry: Telemetry,
    private readonly repository: ScheduleRepository,
    @Inject(SCHEDULING_SETTINGS) private readonly settings: SchedulingSettings,
  ) {
    this.commands = new CommandBus(nc, names);
    this.tracer = telemetry.tracer('scheduling');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.autoStart) await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the schedule loop (idempotent). */
  start(): Promise<void> {
    return this.serially(async () => {
      if (this.loop) return;
      this.stopping = false;
      this.loop = this.run();
    });
  }

  /** Stops the loop; waits for the evaluation in hand. */
  stop(): Promise<void> {
    return this.serially(async () => {
      this.stopping = true;
      this.alarm.wake();
      await this.loop;
      this.loop = undefined;
    });
  }

  /** The schedules this replica follows, with when it next evaluates each. */
  schedules(): Array<{ spec: ScheduleSpec; nextDueMs: number }> {
    return [...this.tracked.values()].map((t) => ({ spec: t.spec, nextDueMs: t.nextDueMs }));
  }

  /**
   * One pass at the injected clock's now: takes up catalog changes, then evaluates every schedule
   * that is due (or new, or changed). What the loop does each time it wakes.
   */
  async pass(): Promise<SchedulePassResult> {
    const result: SchedulePassResult = { fired: [], evaluated: 0 };
    // Due ticks of the schedules as they were are evaluated before a catalog change replaces them.
    await this.evaluateDue(result);
    if (this.refresh()) await this.evaluateDue(result);
    return result;
  }

  /** Rebuilds the schedules when the catalog moved; true when it did. */
  private refresh(): boolean {
    if (this.catalog.appliedSeq === this.seenCatalogSeq) return false;
    this.seenCatalogSeq = this.catalog.appliedSeq;
    const { specs, unusable } = scheduleSpecs(this.catalog.list());
    for (const u of unusable) {
      const id = `${u.workflow}#${u.triggerKey}`;
      if (!this.tracked.has(id)) this.logger.warn(`schedule ${id} cannot fire: ${u.reason}`);
    }
    const next = new Map<string, Tracked>();
    for (const spec of specs) {
      const id = `${spec.workflow}#${spec.triggerKey}`;
      const known = this.tracked.get(id);
      const unchanged = known !== undefined && known.spec.fingerprint === spec.fingerprint;
      next.set(id, unchanged ? known : { spec, nextDueMs: Number.NEGATIVE_INFINITY });
    }
    this.tracked = next;
    return true;
  }

  private async evaluateDue(result: SchedulePassResult): Promise<void> {
    for (const tracked of this.tracked.values()) {
      if (this.stopping) return;
      const now = this.settings.clock();
      if (tracked.nextDueMs > now) continue;
      result.evaluated += 1;
      try {
        const outcome = await this.evaluate(tracked.spec, now);
        if (outcome.kind === 'fired') {
          result.fired.push({
            workflow: tracked.spec.workflow,
            triggerKey: tracked.spec.triggerKey,
            scheduledFor: outcome.tick.scheduledFor.toISOString(),
            runId: outcome.tick.runId,
          });
        }
        tracked.nextDueMs =
          outcome.kind === 'busy'
            ? now + BUSY_RETRY_MS
            : (tracked.spec.schedule.nextAfter(Math.max(now, outcome.evaluatedUntil.getTime())) ??
              Number.POSITIVE_INFINITY);
      } catch (err) {
        if (this.stopping) return;
        tracked.nextDueMs = now + this.settings.pollMs;
        this.logger.warn(
          `schedule ${tracked.spec.workflow}#${tracked.spec.triggerKey} could not be evaluated; retrying in ${this.settings.pollMs} ms: ${(err as Error).message}`,
        );
      }
    }
  }

  private evaluate(spec: ScheduleSpec, nowMs: number): Promise<EvaluationOutcome> {
    const { misfireGraceMs, tickRetentionMs } = this.settings;
    return this.repository.evaluate(
      { workflow: spec.workflow, triggerKey: spec.triggerKey },
      {
        now: new Date(nowMs),
        pruneBefore: new Date(nowMs - tickRetentionMs),
        plan: (evaluatedUntil) => {
          const afterMs = windowStart(evaluatedUntil?.getTime(), spec.activeSinceMs);
          const decision = decideTick(spec.schedule, spec.catchUp, { afterMs, nowMs }, misfireGraceMs);
          if (decision.missedMs !== undefined) {
            this.logger.warn(
              `${spec.workflow}: missed schedule ticks up to ${new Date(decision.missedMs).toISOString()} skipped (catch_up: ${spec.catchUp})`,
            );
          }
          if (decision.fireMs === undefined) return undefined;
          return {
            scheduledFor: new Date(decision.fireMs),
            runId: tickRunId(spec.workflow, spec.triggerKey, decision.fireMs),
            version: spec.version,
          };
        },
        send: (tick) => this.send(spec, tick),
      },
    );
  }

  /** The trigger's span, the root of the scheduled run's trace: the run's span is its child. */
  private async send(spec: ScheduleSpec, tick: PlannedTick): Promise<void> {
    const command = scheduledStartRun(spec, tick.scheduledFor.getTime());
    await withSpan(
      this.tracer,
      'schedule tick',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...runAttributes({
            runId: command.runId,
            workflow: spec.workflow,
            version: command.version,
            trigger: command.trigger.kind,
          }),
          'chainmail.schedule.cron': spec.cron,
          'chainmail.schedule.scheduled_for': tick.scheduledFor.toISOString(),
        },
      },
      (_span, ctx) => this.commands.send(START_RUN_SUBJECT, command, injectTraceHeaders({}, ctx)),
    );
  }

  /** Evaluates what is due, then sleeps until the next tick of any schedule (at most `idlePollMs`), or a catalog change. */
  private async run(): Promise<void> {
    const { pollMs, idlePollMs, clock } = this.settings;
    while (!this.stopping) {
      try {
        await this.pass();
      } catch (err) {
        if (this.stopping) return;
        this.logger.warn(`schedule pass failed; retrying in ${pollMs} ms: ${(err as Error).message}`);
      }
      if (this.stopping) return;
      const next = Math.min(...[...this.tracked.values()].map((t) => t.nextDueMs));
      const waitMs = Math.min(idlePollMs, Math.max(MIN_SLEEP_MS, next - clock()));
      await this.sleep(waitMs);
    }
  }

  /** The alarm's sleep, cut short by the next definition event (a publish or rollback). */
  private async sleep(ms: number): Promise<void> {
    const changed = this.catalog.waitFor(this.catalog.appliedSeq + 1, ms).then(
      () => this.alarm.wake(),
      () => undefined,
    );
    await this.alarm.sleep(ms);
    void changed;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(work, work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }
}
