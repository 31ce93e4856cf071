import { Module } from '@nestjs/common';
import { DefinitionCatalog } from '@chainmail/catalog';
import type { AgentDirectory } from '@chainmail/agents';
import { agentReplyAddress, approvalReplyAddress, type ChainmailConfig } from '@chainmail/config';
import { canonicalOwner } from '@chainmail/contracts';
import { SecretsModule, SecretStore } from '@chainmail/secrets';
import { CommandBus, type EventLogNames } from '@chainmail/event-log';
import {
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
  WORKER_POOL,
  type WorkerPool,
} from '@chainmail/platform';
import type { Telemetry } from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { TriggerBindings } from '../bindings/trigger-bindings';
import { HooksController } from '../hooks/hooks.controller';
import { ReceiveWebhookUseCase } from '../hooks/receive-webhook.usecase';
import { InboundController } from './inbound.controller';
import { InboundRepository } from './inbound.repository';
import { AgentReplies } from '../mail/agent-replies';
import { ApprovalReplies } from '../mail/approval-replies';
import type { ReplyMailer } from '../mail/reply-mailer';
import { ApprovalsModule, REPLY_MAILER } from '../approvals/approvals.module';
import { ApproverDecisionUseCase } from '../approvals/approver-decision.usecase';
import { ReceiveMailUseCase } from '../mail/receive-mail.usecase';
import { SenderAllowList } from '../mail/sender-allow-list';
import { SmtpInboundListener } from '../mail/smtp-inbound.listener';
import { SmtpInboundServer } from '../mail/smtp-inbound.server';
import { StartRunUseCase } from '../runs/start-run.usecase';
import { RunCommandsModule } from '../runs/run-commands.module';
import { RunEndFeed } from '../runs/sync/run-end-feed';
import { RunOutcomeWaiter } from '../runs/sync/run-outcome.waiter';
import { RunResponder } from '../runs/sync/run.responder';
import { RunViews } from '../runs/run-views';
import { RunViewsModule } from '../runs/run-views.module';
import { TracedRunStarter } from '../runs/traced-run-starter';

const MAIL_PARSE_TIMEOUT_MS = 10_000;
const MAIL_STARTER = Symbol('MAIL_STARTER');
const WEBHOOK_STARTER = Symbol('WEBHOOK_STARTER');

/**
 * Triggers that come in from outside: webhooks (`/hooks`), inbound mail (SMTP), the record of
 * everything that arrived (`/v1/inbound`), and the sync answer the REST start shares.
 */
@Module({
  imports: [SecretsModule, RunViewsModule, RunCommandsModule, ApprovalsModule],
  controllers: [HooksController, InboundController],
  providers: [
    {
      provide: TriggerBindings,
      inject: [DEFINITION_CATALOG],
      useFactory: (catalog: DefinitionCatalog) => new TriggerBindings(catalog),
    },
    {
      provide: InboundRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new InboundRepository(db),
    },
    {
      provide: WEBHOOK_STARTER,
      inject: [StartRunUseCase, TELEMETRY],
      useFactory: (start: StartRunUseCase, telemetry: Telemetry) =>
        new TracedRunStarter(start, telemetry.tracer('ingress'), 'webhook received'),
    },
    {
      provide: MAIL_STARTER,
      inject: [StartRunUseCase, TELEMETRY],
      useFactory: (start: StartRunUseCase, telemetry: Telemetry) =>
        new TracedRunStarter(start, telemetry.tracer('ingress'), 'mail received'),
    },
    {
      provide: ReceiveWebhookUseCase,
      inject: [TriggerBindings, DEFINITION_CATALOG, WEBHOOK_STARTER, InboundRepository, SecretStore],
      useFactory: (
        bindings: TriggerBindings,
        catalog: DefinitionCatalog,
        starter: TracedRunStarter,
        inbound: InboundRepository,
        secrets: SecretStore,
      ) =>
        new ReceiveWebhookUseCase(bindings, catalog, starter, inbound, {
          // Read at each call: a rotated secret signs the next call.
          secretOf: async (owner, name) => (await secrets.reveal(canonicalOwner(owner), [name])).get(name),
        }),
    },
    {
      provide: AgentReplies,
      inject: [CommandBus, AGENT_DIRECTORY, CHAINMAIL_CONFIG, RunViews],
      useFactory: (
        bus: CommandBus,
        // Absent in test set-ups of ingress alone: then no mailbox is an agent's.
        directory: AgentDirectory | undefined,
        config: ChainmailConfig,
        views: RunViews,
      ) => {
        return new AgentReplies(
          {
            mail: (key) => views.reads.agentMail(key.runId, key.stepId, key.visit, key.attempt),
            catchUp: (runId) => views.catchUp(runId),
            send: (subject, command) => bus.send(subject, command),
            agents: () => directory?.list() ?? [],
          },
          { domain: config.mailDomain, replyAddress: agentReplyAddress(config) },
        );
      },
    },
    {
      provide: ApprovalReplies,
      inject: [ApproverDecisionUseCase, REPLY_MAILER, CHAINMAIL_CONFIG],
      useFactory: (decisions: ApproverDecisionUseCase, mailer: ReplyMailer, config: ChainmailConfig) =>
        new ApprovalReplies(decisions, mailer, {
          domain: config.mailDomain,
          replyAddress: approvalReplyAddress(config),
        }),
    },
    {
      provide: ReceiveMailUseCase,
      inject: [
        TriggerBindings,
        MAIL_STARTER,
        InboundRepository,
        CHAINMAIL_CONFIG,
        AgentReplies,
        ApprovalReplies,
        { token: WORKER_POOL, optional: true },
      ],
      useFactory: (
        bindings: TriggerBindings,
        starter: TracedRunStarter,
        inbound: InboundRepository,
        config: ChainmailConfig,
        replies: AgentReplies,
        approvals: ApprovalReplies,
        pool: WorkerPool | undefined,
      ) =>
        new ReceiveMailUseCase(
          bindings,
          starter,
          inbound,
          {
            defaultAllow: SenderAllowList.fromConfig(config.mailAllow),
            maxMailBytes: config.maxMailBytes,
            maxInputBytes: config.maxInputBytes,
            parseTimeoutMs: MAIL_PARSE_TIMEOUT_MS,
            pool,
          },
          undefined,
          undefined,
          replies,
          approvals,
        ),
    },
    {
      provide: SmtpInboundServer,
      inject: [ReceiveMailUseCase, CHAINMAIL_CONFIG],
      useFactory: (mail: ReceiveMailUseCase, config: ChainmailConfig) =>
        new SmtpInboundServer(mail, { maxMailBytes: config.maxMailBytes }),
    },
    {
      provide: SmtpInboundListener,
      inject: [SmtpInboundServer, CHAINMAIL_CONFIG],
      useFactory: (server: SmtpInboundServer, config: ChainmailConfig) =>
        new SmtpInboundListener(server, config.smtpPort, config.httpHost),
    },
    {
      provide: RunEndFeed,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RunEndFeed(nc, names),
    },
    {
      provide: RunResponder,
      inject: [RunEndFeed, RunViews, CHAINMAIL_CONFIG],
      useFactory: (feed: RunEndFeed, views: RunViews, config: ChainmailConfig) =>
        new RunResponder(
          new RunOutcomeWaiter({
            listen: (runId, listener) => feed.listen(runId, listener),
            current: (runId) => views.reads.runEnd(runId),
          }),
          config.syncWaitMs,
        ),
    },
  ],
  exports: [RunResponder],
})
export class InboundModule {}
