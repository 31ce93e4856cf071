import type { RunEvent } from '@chainmail/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Chainmail's Prometheus metrics: one registry per process (the all-in-one process shares it
 * between its services), served as `/metrics`. Labels are bounded by what is published — workflow
 * names, step ids, agent addresses, statuses — never a run id; a foreach item (`step[3]`) counts
 * under its step (`step[]`).
 */

/** One durable consumer's backlog, as JetStream's consumer info tells it. */
export interface ConsumerLag {
  stream: string;
  durable: string;
  /** Messages not yet delivered to it. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  /** Messages redelivered (delivered more than once) that are still unacknowledged. */
  redelivered: number;
}

/** A step as the state after a commit knows it: what its end events do not say. */
export interface StepFacts {
  agent?: string;
  kind?: string;
}

export interface CommitFacts {
  workflow: string;
  /** The step's agent and kind, by step id. */
  step(stepId: string): StepFacts | undefined;
}

/** Seconds: from 5 ms (a builtin step) to 10 min (a slow model, a long run); beyond is +Inf. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** Runs take longer: up to an hour, and a day for runs that wait for people. */
const RUN_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 86_400];
/** How long a consumer-info poll result is reused: scrapes within it cost nothing. */
const LAG_CACHE_MS = 2_000;

const TERMINAL_STATUS: Partial<Record<RunEvent['type'], string>> = {
  RunSucceeded: 'succeeded',
  RunFailed: 'failed',
  RunCancelled: 'cancelled',
  RunTimedOut: 'timed_out',
};

export class ChainmailMetrics {
  readonly registry = new Registry();
  private readonly runsStarted: Counter<'workflow'>;
  private readonly runsEnded: Counter<'workflow' | 'status'>;
  private readonly runDuration: Histogram<'workflow' | 'status'>;
  private readonly stepsEnded: Counter<'workflow' | 'step' | 'status'>;
  private readonly stepDuration: Histogram<'workflow' | 'step' | 'status'>;
  private readonly stepRetries: Counter<'workflow' | 'step'>;
  private readonly agentCalls: Histogram<'agent' | 'outcome'>;
  private readonly tokens: Counter<'workflow' | 'agent' | 'type'>;
  private readonly cost: Counter<'workflow' | 'agent'>;
  private lagSource?: () => Promise<ConsumerLag[]>;
  private lagCache?: { at: number; lags: Promise<ConsumerLag[]> };

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.runsStarted = new Counter({
      name: 'chainmail_runs_started_total',
      help: 'Runs started, by workflow',
      labelNames: ['workflow'],
      registers,
    });
    this.runsEnded = new Counter({
      name: 'chainmail_runs_total',
      help: 'Runs ended, by workflow and status (succeeded, failed, cancelled, timed_out)',
      labelNames: ['workflow', 'status'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'chainmail_run_duration_seconds',
      help: 'Duration of ended runs, checkpoint waits included',
      labelNames: ['workflow', 'status'],
      buckets: RUN_DURATION_BUCKETS,
      registers,
    });
    this.stepsEnded = new Counter({
      name: 'chainmail_steps_total',
      help: 'Step attempts ended, by workflow, step and status (succeeded, failed)',
      labelNames: ['workflow', 'step', 'status'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'chainmail_step_duration_seconds',
      help: 'Duration of ended step attempts',
      labelNames: ['workflow', 'step', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.stepRetries = new Counter({
      name: 'chainmail_step_retries_total',
      help: 'Step attempts scheduled again after a failure',
      labelNames: ['workflow', 'step'],
      registers,
    });
    this.agentCalls = new Histogram({
      name: 'chainmail_agent_call_duration_seconds',
      help: 'Duration of agent calls (agent steps and foreach items), by agent and outcome (ok, error)',
      labelNames: ['agent', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'chainmail_tokens_total',
      help: 'Model tokens spent, by workflow, agent and type (prompt, completion)',
      labelNames: ['workflow', 'agent', 'type'],
      registers,
    });
    this.cost = new Counter({
      name: 'chainmail_cost_usd_total',
      help: 'Model cost in US dollars, by workflow and agent',
      labelNames: ['workflow', 'agent'],
      registers,
    });
    const lags = (): Promise<ConsumerLag[]> => this.consumerLags();
    const lagGauge = (name: string, help: string, value: (lag: ConsumerLag) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'durable'],
        registers,
        async collect() {
          this.reset();
          for (const lag of await lags()) this.set({ stream: lag.stream, durable: lag.durable }, value(lag));
        },
      });
    };
    lagGauge(
      'chainmail_jetstream_consumer_pending_messages',
      'Messages of the stream not yet delivered to the durable consumer (its lag)',
      (l) => l.pending,
    );
    lagGauge(
      'chainmail_jetstream_consumer_ack_pending_messages',
      'Messages delivered to the durable consumer and not yet acknowledged',
      (l) => l.ackPending,
    );
    lagGauge(
      'chainmail_jetstream_consumer_redelivered_messages',
      'Messages redelivered to the durable consumer and not yet acknowledged',
      (l) => l.redelivered,
    );
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where consumer lag is read at scrape time (the process's JetStream manager). */
  pollConsumerLag(source: () => Promise<ConsumerLag[]>): void {
    this.lagSource = source;
    this.lagCache = undefined;
  }

  /** Counts what a commit this process appended says: each commit is counted by its one writer. */
  recordCommit(events: readonly RunEvent[], facts: CommitFacts): void {
    const workflow = facts.workflow;
    for (const event of events) {
      const status = TERMINAL_STATUS[event.type];
      if (status !== undefined) {
        const durationMs = (event.data as { durationMs: number }).durationMs;
        this.runsEnded.inc({ workflow, status });
        this.runDuration.observe({ workflow, status }, durationMs / 1000);
        continue;
      }
      switch (event.type) {
        case 'RunStarted':
          this.runsStarted.inc({ workflow: event.data.workflow });
          break;
        case 'StepSucceeded':
        case 'StepFailed': {
          const d = event.data;
          const step = stepLabel(d.stepId);
          const stepStatus = event.type === 'StepSucceeded' ? 'succeeded' : 'failed';
          this.stepsEnded.inc({ workflow, step, status: stepStatus });
          this.stepDuration.observe({ workflow, step, status: stepStatus }, d.durationMs / 1000);
          const { agent, kind } = facts.step(d.stepId) ?? {};
          if (agent !== undefined && (kind === undefined || kind === 'agent' || kind === 'item')) {
            this.agentCalls.observe(
              { agent, outcome: event.type === 'StepSucceeded' ? 'ok' : 'error' },
              d.durationMs / 1000,
            );
          }
          const usage = d.usage;
          const spender = agent ?? '';
          if (usage?.promptTokens)
            this.tokens.inc({ workflow, agent: spender, type: 'prompt' }, usage.promptTokens);
          if (usage?.completionTokens)
            this.tokens.inc({ workflow, agent: spender, type: 'completion' }, usage.completionTokens);
          if (usage?.costUsd) this.cost.inc({ workflow, agent: spender }, usage.costUsd);
          break;
        }
        case 'StepRetryScheduled':
          this.stepRetries.inc({ workflow, step: stepLabel(event.data.stepId) });
          break;
        default:
          break;
      }
    }
  }

  /** The text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private consumerLags(): Promise<ConsumerLag[]> {
    if (this.lagSource === undefined) return Promise.resolve([]);
    const now = Date.now();
    if (this.lagCache === undefined || now - this.lagCache.at > LAG_CACHE_MS) {
      // A failed poll shows no lag series rather than failing the scrape.
      this.lagCache = { at: now, lags: this.lagSource().catch(() => []) };
    }
    return this.lagCache.lags;
  }
}

/** `step[3]` (a foreach item) → `step[]`: one series per step, not per item. */
export const stepLabel = (stepId: string): string => stepId.replace(/\[\d+\]$/, '[]');
