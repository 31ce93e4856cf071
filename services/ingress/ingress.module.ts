import { Module } from '@nestjs/common';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { CommandBus, RunLog, type EventLogNames } from '@chainmail/event-log';
import { RunProjectionProgress, RunReadRepository, ScheduleReadRepository } from '@chainmail/persistence';
import type { ChainmailConfig } from '@chainmail/config';
import { defaultTemplatesDir, TemplateLibrary } from '@chainmail/templates';
import type { AgentDirectory } from '@chainmail/agents';
import {
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import type { Telemetry } from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { AdminController } from './admin/admin.controller';
import { AnalyticsModule } from './analytics/analytics.module';
import { ConsoleConfigModule } from './console/console-config.controller';
import { ReplayService } from './admin/replay.service';
import { OpenApiController } from './api/openapi.controller';
import { OpenApiDocument } from './api/openapi-document.holder';
import { AgentsController } from './agents/agents.controller';
import { AGENTS_SERVICE } from './agents/agents.service';
import { DeliveriesController } from './runs/deliveries.controller';
import { MailboxController } from './mailbox/mailbox.controller';
import { MAILBOX_SERVICE } from './mailbox/mailbox.service';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { IdentityModule } from './identity/identity.module';
import { InboundModule } from './inbound/inbound.module';
import { RegistryClient } from './registry.client';
import { RunQueries } from './runs/run-queries';
import { RunsController } from './runs/runs.controller';
import { ResolveCheckpointUseCase } from './runs/resolve-checkpoint.usecase';
import { DebugRunUseCase } from './runs/debug-run.usecase';
import { RunViews } from './runs/run-views';
import { RunViewsModule } from './runs/run-views.module';
import { SecretsApiModule } from './secrets/secrets-api.module';
import { SchedulesController } from './schedules/schedules.controller';
import { PauseScheduleUseCase } from './schedules/pause-schedule.usecase';
import { StartRunUseCase } from './runs/start-run.usecase';
import { RunCommandsModule } from './runs/run-commands.module';
import { TracedRunStarter } from './runs/traced-run-starter';
import { AuditRecorder } from './identity/audit.recorder';
import { PublishWorkflowUseCase } from './workflows/publish-workflow.usecase';
import { RollbackWorkflowUseCase } from './workflows/rollback-workflow.usecase';
import { StartWorkflowRunUseCase } from './workflows/start-workflow-run.usecase';
import { WorkflowsController } from './workflows/workflows.controller';
import { TEMPLATE_LIBRARY, TemplatesController } from './templates/templates.controller';
import { MarketplaceController } from './marketplace/marketplace.controller';
import { MarketplaceService } from './marketplace/marketplace.service';
import { WorkflowUpdateController } from './marketplace/workflow-update.controller';
import { SecretStore, VariableStore } from '@chainmail/secrets';

/** The public edge: REST under /v1, health probes, webhooks and inbound mail. It writes commands only and reads read models. */
@Module({
  imports: [
    IdentityModule,
    InboundModule,
    SecretsApiModule,
    RunViewsModule,
    RunCommandsModule,
    AnalyticsModule,
    ConsoleConfigModule,
  ],
  controllers: [
    HealthController,
    MetricsController,
    WorkflowsController,
    RunsController,
    AdminController,
    DeliveriesController,
    MailboxController,
    AgentsController,
    SchedulesController,
    OpenApiController,
    TemplatesController,
    MarketplaceController,
    WorkflowUpdateController,
  ],
  providers: [
    OpenApiDocument,
    AGENTS_SERVICE,
    {
      provide: TEMPLATE_LIBRARY,
      inject: [CHAINMAIL_CONFIG],
      // Read once at start: a malformed template stops the start with its file and field.
      useFactory: (config: ChainmailConfig) =>
        TemplateLibrary.load(config.templatesDir ?? defaultTemplatesDir()),
    },
    MAILBOX_SERVICE,
    {
      provide: RegistryClient,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RegistryClient(nc, names),
    },
    {
      provide: ReplayService,
      inject: [RegistryClient, DATA_SOURCE, NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (requests: RegistryClient, db: DataSource, nc: NatsConnection, names: EventLogNames) =>
        new ReplayService(requests, new RunProjectionProgress(db), nc, names),
    },
    {
      provide: RunLog,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RunLog(nc, names),
    },
    {
      provide: RunReadRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new RunReadRepository(db),
    },
    {
      provide: ScheduleReadRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new ScheduleReadRepository(db),
    },
    {
      provide: RunQueries,
      inject: [RunViews],
      useFactory: (views: RunViews) => new RunQueries(views),
    },
    {
      provide: ResolveCheckpointUseCase,
      inject: [RunQueries, RunViews, CommandBus],
      useFactory: (queries: RunQueries, views: RunViews, bus: CommandBus) =>
        new ResolveCheckpointUseCase(queries, views, bus),
    },
    {
      provide: DebugRunUseCase,
      inject: [RunQueries, RunViews, RunLog, DEFINITION_CATALOG, CommandBus],
      useFactory: (
        queries: RunQueries,
        views: RunViews,
        log: RunLog,
        catalog: DefinitionCatalog,
        bus: CommandBus,
      ) => new DebugRunUseCase(queries, views, log, catalog, bus),
    },
    {
      provide: PublishWorkflowUseCase,
      inject: [RegistryClient, DEFINITION_CATALOG],
      useFactory: (registry: RegistryClient, catalog: DefinitionCatalog) =>
        new PublishWorkflowUseCase(registry, catalog),
    },
    {
      provide: MarketplaceService,
      inject: [
        RegistryClient,
        DEFINITION_CATALOG,
        PublishWorkflowUseCase,
        SecretStore,
        VariableStore,
        AGENT_DIRECTORY,
      ],
      useFactory: (
        registry: RegistryClient,
        catalog: DefinitionCatalog,
        publishing: PublishWorkflowUseCase,
        secrets: SecretStore,
        variables: VariableStore,
        agents: AgentDirectory,
      ) => new MarketplaceService(registry, catalog, publishing, secrets, variables, agents),
    },
    {
      provide: RollbackWorkflowUseCase,
      inject: [RegistryClient, DEFINITION_CATALOG, AuditRecorder],
      useFactory: (registry: RegistryClient, catalog: DefinitionCatalog, audit: AuditRecorder) =>
        new RollbackWorkflowUseCase(registry, catalog, audit),
    },
    {
      provide: PauseScheduleUseCase,
      inject: [RegistryClient, DEFINITION_CATALOG, AuditRecorder],
      useFactory: (registry: RegistryClient, catalog: DefinitionCatalog, audit: AuditRecorder) =>
        new PauseScheduleUseCase(registry, catalog, audit),
    },
    {
      provide: StartWorkflowRunUseCase,
      inject: [DEFINITION_CATALOG, StartRunUseCase, TELEMETRY],
      // The root span of the run's trace: every message of the run carries it on.
      useFactory: (catalog: DefinitionCatalog, start: StartRunUseCase, telemetry: Telemetry) =>
        new StartWorkflowRunUseCase(
          catalog,
          new TracedRunStarter(start, telemetry.tracer('ingress'), 'start run'),
        ),
    },
  ],
})
export class IngressModule {}
