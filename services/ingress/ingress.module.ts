import { Module } from '@nestjs/common';
import { START_RUN_SUBJECT } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { CommandBus, RunLog, type EventLogNames } from '@chainmail/event-log';
import { RunReadRepository, ScheduleReadRepository } from '@chainmail/persistence';
import { DATA_SOURCE, DEFINITION_CATALOG, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { AdminController } from './admin/admin.controller';
import { AgentsController } from './agents/agents.controller';
import { DeliveriesController } from './runs/deliveries.controller';
import { MailboxController } from './mailbox/mailbox.controller';
import { HealthController } from './health/health.controller';
import { IdentityModule } from './identity/identity.module';
import { InboundModule } from './inbound/inbound.module';
import { RegistryClient } from './registry.client';
import { RunQueries } from './runs/run-queries';
import { RunsController } from './runs/runs.controller';
import { ResolveCheckpointUseCase } from './runs/resolve-checkpoint.usecase';
import { RunViews } from './runs/run-views';
import { RunViewsModule } from './runs/run-views.module';
import { SecretsApiModule } from './secrets/secrets-api.module';
import { SchedulesController } from './schedules/schedules.controller';
import { StartRunUseCase } from './runs/start-run.usecase';
import { WorkflowsController } from './workflows/workflows.controller';

/** The public edge: REST under /v1, health probes, webhooks and inbound mail. It writes commands only and reads read models. */
@Module({
  imports: [IdentityModule, InboundModule, SecretsApiModule, RunViewsModule],
  controllers: [
    HealthController,
    WorkflowsController,
    RunsController,
    AdminController,
    DeliveriesController,
    MailboxController,
    AgentsController,
    SchedulesController,
  ],
  providers: [
    {
      provide: RegistryClient,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RegistryClient(nc, names),
    },
    {
      provide: RunLog,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RunLog(nc, names),
    },
    {
      provide: CommandBus,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new CommandBus(nc, names),
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
      provide: StartRunUseCase,
      inject: [DEFINITION_CATALOG, CommandBus],
      useFactory: (catalog: DefinitionCatalog, bus: CommandBus) =>
        new StartRunUseCase(catalog, bus, START_RUN_SUBJECT),
    },
  ],
})
export class IngressModule {}
