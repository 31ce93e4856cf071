import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { approvalReplyAddress, type ChainmailConfig } from '@chainmail/config';
import {
  CONSUMERS,
  RUN_EVENTS_STREAM,
  RUN_SUBJECTS,
  TERMINAL_RUN_EVENTS,
  type RunEventOf,
} from '@chainmail/contracts';
import {
  decodeRunMessage,
  RedeliverLater,
  RunLog,
  mayHoldEvents,
  startConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import {
  DeliveryRepository,
  PROJECTION_APPLIED_SUBJECT,
  ProjectionWatermark,
  RunReadRepository,
  type DeliveryIntent,
  type RunRecord,
} from '@chainmail/persistence';
import {
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import {
  extractTraceContext,
  runAttributes,
  withSpan,
  type Telemetry,
  type Tracer,
} from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { approvalLinkKey } from '@chainmail/secrets';
import { ApproverDirectory } from '@chainmail/identity';
import { checkpointPayload, composeCheckpointMail, type ApprovalChannel } from './checkpoint-mail';
import { planCommit, type PlannedDelivery } from './delivery-plan';
import { DeliveryRunner, type DeliveryOutcome } from './delivery-runner';
import { composeMail, type RunSoFar } from './mail-composer';
import { NOTIFICATION_SETTINGS, type NotificationSettings } from './notification.settings';
import type { MailIdentity } from './outbound-mail';
import { RunFactsCache } from './run-facts.cache';
import { RunHistory } from './run-history';
import { MAIL_SENDER, WEBHOOK_POSTER } from './notification.tokens';
import type { MailSender } from './smtp-mailer';
import { signatureOf, webhookPayload, webhookUrl } from './webhook-payload';
import type { WebhookPoster } from './webhook-poster';

/** The events `planCommit` plans deliveries for; a commit with none of them is skipped unparsed. */
const NOTIFIED_EVENTS: ReadonlySet<string> = new Set([
  'RunStarted',
  'CheckpointOpened',
  'StepSucceeded',
  'StepFailed',
  ...TERMINAL_RUN_EVENTS,
]);

/**
 * After these a run may wait for days (a person, an email reply): its facts leave the cache, and
 * its next commit reads them back from the log.
 */
const WAITING_EVENTS: ReadonlySet<string> = new Set(['CheckpointOpened', 'AgentMailSent']);

/**
 * Thrown to have a commit come back later: one of its deliveries must wait (a retry, or another
 * replica sending it now). Not a failure: nothing is logged for it, as the mails it waits for are
 * on their way. It comes back at the recheck delay, or sooner when the delivery is due sooner.
 */
export class DeliveriesDeferred extends RedeliverLater {
  constructor(runId: string, until: Date, recheckMs: number, now = Date.now()) {
    super(
      Math.max(Math.min(until.getTime() - now, recheckMs), MIN_DEFER_MS),
      `deliveries of run ${runId} wait until ${until.toISOString()}`,
    );
    this.name = 'DeliveriesDeferred';
  }
}

/** A deferred commit comes back no sooner than this. */
const MIN_DEFER_MS = 50;

/** Thrown to have a commit come back later: the run views have not reached it yet. */
export class ViewsBehind extends Error {
  constructor(runId: string, seq: number) {
    super(`the run views have not reached commit ${seq} of run ${runId} yet`);
    this.name = 'ViewsBehind';
  }
}

/** How long a commit waits for the projector to reach it before it is handed back for later. */
const VIEWS_WAIT_MS = 2_000;

/**
 * Sends each run's notifications from RUN_EVENTS: mails (acknowledgement, streamed steps, result,
 * failure, cancellation) and the outcome webhook. A durable consumer shared by every replica; a
 * commit is acked once its deliveries are settled, and comes back while any must wait.
 *
 * A run's mails go out in order: handling a commit sends every mail the run owes up to it that is
 * not settled yet (a faster replica may have the later commit first), stopping at one that waits.
 * What the notices say comes from the run views, read once the projector has reached the commit.
 */
@Injectable()
export class NotificationService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('notification');
  private readonly log: RunLog;
  private readonly facts: RunFactsCache;
  private readonly reads: RunReadRepository;
  private readonly watermark: ProjectionWatermark;
  private readonly deliveries: DeliveryRepository;
  private readonly runner: DeliveryRunner;
  private readonly identity: MailIdentity;
  private readonly approvers: ApproverDirectory;
  private readonly approvals: ApprovalChannel;
  private readonly tracer: Tracer;
  private consumer?: ConsumerRunner;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(DEFINITION_CATALOG) catalog: DefinitionCatalog,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Inject(MAIL_SENDER) private readonly mailer: MailSender,
    @Inject(WEBHOOK_POSTER) private readonly webhooks: WebhookPoster,
    @Inject(TELEMETRY) telemetry: Telemetry,
  ) {
    this.log = new RunLog(nc, names);
    this.reads = new RunReadRepository(dataSource);
    this.watermark = new ProjectionWatermark(nc, names.subject(PROJECTION_APPLIED_SUBJECT), (id) =>
      this.reads.runSequence(id),
    );
    this.facts = new RunFactsCache((runId, seq) => this.viewAt(runId, seq), catalog);
    this.deliveries = new DeliveryRepository(dataSource);
    this.runner = new DeliveryRunner(this.deliveries, settings.sendingStaleMs);
    this.tracer = telemetry.tracer('notification');
    this.approvers = new ApproverDirectory(dataSource);
    this.approvals = {
      replyTo: approvalReplyAddress(config),
      linkKey: approvalLinkKey(config),
      linkTtlMs: config.approvalLinkTtlMs,
    };
    this.identity = {
      from: config.mailFrom,
      domain: config.mailDomain,
      publicUrl: (config.publicUrl ?? `http://${config.httpHost}:${config.httpPort}`).replace(/\/+$/, ''),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.autoStart) await this.start();
  }

  /** Finishes the deliveries in hand, then lets the SMTP pool go (nothing is sent after). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
    this.watermark.close();
    this.mailer.close();
  }

  /** The run's views once the projector has reached commit `seq`; throws (the commit comes back) when not in time. */
  private async viewAt(runId: string, seq: number): Promise<RunRecord> {
    const reached = await this.watermark.waitForRun(runId, seq, VIEWS_WAIT_MS);
    const run = reached ? await this.reads.findRunRecord(runId) : null;
    if (!run) throw new ViewsBehind(runId, seq);
    return run;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.consumer = await startConsumer(this.nc, {
      stream: RUN_EVENTS_STREAM,
      durable: CONSUMERS.notification,
      filterSubject: RUN_SUBJECTS,
      // A first start notifies about runs from now on, not about every run already in the log.
      deliverPolicy: 'new',
      concurrency: this.settings.concurrency,
      ackWaitMs: 90_000,
      nakDelayMs: this.settings.recheckDelayMs,
      names: this.names,
      logger: this.logger,
      handler: (message) => this.handle(message),
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  /** Settles the deliveries one commit causes; throws to have it redelivered while any must wait. */
  async handle(message: ConsumedMessage): Promise<void> {
    if (!mayHoldEvents(message, NOTIFIED_EVENTS) && !mayHoldEvents(message, WAITING_EVENTS)) return;
    const decoded = decodeRunMessage(message);
    if (!decoded.ok) {
      this.logger.error(`skipping stream message ${message.seq}: ${decoded.reason}`);
      return;
    }
    const commit = decoded.commit;
    if (!commit.events.some((e) => NOTIFIED_EVENTS.has(e.type))) {
      this.facts.forget(commit.runId); // the run only waits now: nothing to notify
      return;
    }
    const facts = await this.facts.of(commit);
    if (!facts) return;
    const planned = planCommit(facts, commit.events);
    if (planned.length > 0) {
      await withSpan(
        this.tracer,
        'notify',
        {
          parent: extractTraceContext(message.headers),
          attributes: runAttributes({ runId: facts.runId, workflow: facts.workflow }),
        },
        async () => {
          const [commits, run] = await Promise.all([
            this.log.read(commit.runId),
            this.viewAt(commit.runId, commit.seq),
          ]);
          const history = new RunHistory(
            facts,
            commits.filter((c) => c.seq <= commit.seq),
            run,
          );
          const waits = [
            ...(await this.sendWebhooks(
              planCommit(facts, commit.events, history.rewindsBefore(commit.seq)),
              history.at(commit.seq),
            )),
            ...(await this.sendMailsUpTo(history)),
          ];
          if (waits.length > 0)
            throw new DeliveriesDeferred(
              facts.runId,
              new Date(Math.min(...waits.map((d) => d.getTime()))),
              this.settings.recheckDelayMs(message.redeliveryCount),
            );
        },
      );
    }
    if (commit.events.some((e) => TERMINAL_RUN_EVENTS.has(e.type) || WAITING_EVENTS.has(e.type)))
      this.facts.forget(commit.runId);
  }

  /** Every mail the run owes up to the history's last commit, oldest first, stopping at one that waits. */
  private async sendMailsUpTo(history: RunHistory): Promise<Date[]> {
    const owed = history.commits.flatMap((c) =>
      planCommit(history.facts, c.events, history.rewindsBefore(c.seq))
        .filter((p) => p.channel === 'email')
        .map((p) => ({ planned: p, seq: c.seq })),
    );
    const statuses = await this.deliveries.statuses(owed.map((o) => o.planned.id));
    for (const { planned, seq } of owed) {
      const status = statuses.get(planned.id);
      if (status === 'sent' || status === 'failed') continue;
      const outcome = await this.sendMail(planned, history.at(seq));
      if (!outcome.settled) return [outcome.until];
    }
    return [];
  }

  private async sendMail(planned: PlannedDelivery, run: RunSoFar): Promise<DeliveryOutcome> {
    if (planned.notice.kind === 'checkpoint')
      return this.sendCheckpointMail(planned, planned.notice.event, run);
    const composed = composeMail(run, planned.key, planned.notice, this.identity);
    const intent: DeliveryIntent = {
      id: planned.id,
      runId: run.facts.runId,
      channel: 'email',
      kind: planned.name,
      recipient: composed.ok ? composed.mail.to.join(', ') : '',
      messageId: composed.ok ? composed.mail.messageId : undefined,
      subject: composed.ok ? composed.mail.subject : composed.subject,
    };
    if (!composed.ok) return this.runner.refuse(intent, composed.reason);
    return this.runner.deliver(intent, this.settings.mailRetry, () => this.mailer.send(composed.mail));
  }

  /**
   * One mail per approver (each carries links of its own, which record who decided), in one
   * delivery: claimed once, so a redelivered commit sends none of them again.
   */
  private async sendCheckpointMail(
    planned: PlannedDelivery,
    event: RunEventOf<'CheckpointOpened'>,
    run: RunSoFar,
  ): Promise<DeliveryOutcome> {
    const approvers = await this.approvers.addresses(event.data.approvers ?? ['owner'], run.run.owner);
    const mails = approvers.map((approver) =>
      composeCheckpointMail(run, event, approver, this.identity, this.approvals),
    );
    const intent: DeliveryIntent = {
      id: planned.id,
      runId: run.facts.runId,
      channel: 'email',
      kind: planned.name,
      recipient: approvers.join(', '),
      messageId: mails[0]?.messageId,
      subject: mails[0]?.subject ?? `Approval needed: ${run.facts.workflow} — ${event.data.stepId}`,
    };
    if (mails.length === 0) {
      const who = (event.data.approvers ?? ['owner']).join(', ');
      return this.runner.refuse(
        intent,
        `no approver of checkpoint "${event.data.stepId}" has a mail address (approvers: ${who}); give the users an email, or name addresses in approvers:`,
      );
    }
    return this.runner.deliver(intent, this.settings.mailRetry, async () => {
      for (const mail of mails) await this.mailer.send(mail);
    });
  }

  private async sendWebhooks(planned: PlannedDelivery[], run: RunSoFar): Promise<Date[]> {
    const waits: Date[] = [];
    for (const p of planned) {
      if (p.notice.kind === 'checkpoint' && p.channel === 'webhook') {
        const outcome = await this.sendCheckpointWebhook(p, p.notice.event, run);
        if (!outcome.settled) waits.push(outcome.until);
        continue;
      }
      if (p.notice.kind !== 'webhook') continue;
      const url = webhookUrl(run);
      const intent: DeliveryIntent = {
        id: p.id,
        runId: run.facts.runId,
        channel: 'webhook',
        kind: p.name,
        recipient: url ?? '',
      };
      const payload = webhookPayload(run, p.notice.event);
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Chainmail',
        'idempotency-key': p.id,
        'x-chainmail-event': `run.${payload.status}`,
        'x-chainmail-run-id': run.facts.runId,
      };
      if (this.config.webhookSecret)
        headers['x-chainmail-signature'] = signatureOf(body, this.config.webhookSecret);
      const outcome = url
        ? await this.runner.deliver(intent, this.settings.webhookRetry, () =>
            this.webhooks.post({ url, body, headers }),
          )
        : await this.runner.refuse(intent, 'output.url did not render to an http(s) URL');
      if (!outcome.settled) waits.push(outcome.until);
    }
    return waits;
  }

  private async sendCheckpointWebhook(
    planned: PlannedDelivery,
    event: RunEventOf<'CheckpointOpened'>,
    run: RunSoFar,
  ): Promise<DeliveryOutcome> {
    const url = webhookUrl(run);
    const intent: DeliveryIntent = {
      id: planned.id,
      runId: run.facts.runId,
      channel: 'webhook',
      kind: planned.name,
      recipient: url ?? '',
    };
    if (url === undefined)
      return this.runner.refuse(intent, 'notify: webhook needs output.url to render to an http(s) URL');
    const approvers = await this.approvers.addresses(event.data.approvers ?? ['owner'], run.run.owner);
    const body = JSON.stringify(checkpointPayload(run, event, approvers));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Chainmail',
      'idempotency-key': planned.id,
      'x-chainmail-event': 'checkpoint.waiting',
      'x-chainmail-run-id': run.facts.runId,
    };
    if (this.config.webhookSecret)
      headers['x-chainmail-signature'] = signatureOf(body, this.config.webhookSecret);
    return this.runner.deliver(intent, this.settings.webhookRetry, () =>
      this.webhooks.post({ url, body, headers }),
    );
  }
}
