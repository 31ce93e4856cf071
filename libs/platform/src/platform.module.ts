import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { traceExport, type ChainmailConfig } from '@chainmail/config';
import { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { agentRuntime, createAgentDirectory, operatorOrigins } from '@chainmail/agents';
import {
  connectNats,
  DefinitionLog,
  ensureStreams,
  eventLogNames,
  type EventLogNames,
} from '@chainmail/event-log';
import { createDataSource } from '@chainmail/persistence';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import {
  ChainmailMetrics,
  initTelemetry,
  startMetricsServer,
  type ConsumerLag,
  type MetricsServer,
  type Telemetry,
} from '@chainmail/telemetry';
import { CatalogFeed } from './catalog-feed';
import { ensureDatabase } from './database';
import {
  AGENT_CATALOG,
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  LOCAL_COMMANDS,
  METRICS,
  METRICS_SERVER,
  NATS_CONNECTION,
  TELEMETRY,
  WORKER_POOL,
} from './tokens';
import { LocalCommands } from './local-commands';
import { WorkerPool } from './worker-pool';

export interface PlatformOptions {
  config: ChainmailConfig;
  /** Name this process shows to NATS and in traces. */
  processName: string;
  /** Whether this process needs Postgres (read models); connecting also applies migrations. */
  database: boolean;
  /** Stream/subject namespace; tests use one per suite to share a NATS server safely. */
  namespace?: string;
  /** The process serves HTTP (and `/metrics` on it); else `/metrics` gets `config.metricsPort`, if set. */
  servesHttp?: boolean;
}

/**
 * What one process shares between the service modules it hosts: the configuration, one NATS
 * connection (streams ensured), one Postgres DataSource (migrations applied), the live definition
 * catalog and the agent directory. Each service's `main.ts` and the all-in-one process import it once.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  private readonly logger = new Logger('platform');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
    @Inject(WORKER_POOL) private readonly workers: WorkerPool,
    @Inject(METRICS_SERVER) private readonly metricsServer: MetricsServer | null,
  ) {}

  static forRoot(options: PlatformOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: CHAINMAIL_CONFIG, useValue: options.config },
      { provide: EVENT_LOG_NAMES, useValue: eventLogNames(options.namespace) },
      {
        provide: NATS_CONNECTION,
        inject: [EVENT_LOG_NAMES],
        useFactory: async (names: EventLogNames) => {
          const nc = await connectNats(options.config.natsUrl, options.processName);
          await ensureStreams(await nc.jetstreamManager(), {
            replicas: options.config.streamReplicas,
            names,
          });
          return nc;
        },
      },
      { provide: AGENT_CATALOG, useFactory: () => new AgentCatalog() },
      {
        provide: DEFINITION_CATALOG,
        inject: [NATS_CONNECTION, EVENT_LOG_NAMES, AGENT_CATALOG],
        useFactory: async (nc: NatsConnection, names: EventLogNames, agents: AgentCatalog) => {
          const catalog = new DefinitionCatalog();
          // One feed for both: the agent catalog is live (and caught up) wherever definitions are.
          await CatalogFeed.start(catalog, new DefinitionLog(nc, names), [agents]);
          return catalog;
        },
      },
      {
        provide: AGENT_DIRECTORY,
        // Waits for the definition catalog, whose feed also fills the agent catalog.
        inject: [AGENT_CATALOG, DEFINITION_CATALOG],
        useFactory: (agents: AgentCatalog) => {
          const logger = new Logger('agents');
          const { config } = options;
          return createAgentDirectory(
            agents,
            agentRuntime({
              prices: config.modelPrices,
              network: {
                allowPrivate: config.agentAllowPrivate,
                allowedHosts: config.agentAllowedHosts,
                // The operator named the model endpoint: a local Ollama or vLLM is reachable, on that port only.
                allowedOrigins: operatorOrigins([config.modelUrl]),
              },
              notice: (message) => logger.warn(message),
            }),
          );
        },
      },
      // Threads start with the first task and stop when idle: an idle process holds none.
      { provide: WORKER_POOL, useFactory: () => new WorkerPool() },
      // Execution serves here when it runs in this process; ingress asks here first.
      { provide: LOCAL_COMMANDS, useFactory: () => new LocalCommands() },
      {
        provide: METRICS,
        inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
        useFactory: (nc: NatsConnection, names: EventLogNames) => {
          const metrics = new ChainmailMetrics();
          metrics.pollConsumerLag(() => consumerLags(nc, names));
          return metrics;
        },
      },
      {
        provide: METRICS_SERVER,
        inject: [METRICS],
        useFactory: async (metrics: ChainmailMetrics) => {
          const port = options.config.metricsPort;
          if (options.servesHttp === true || port === undefined) return null;
          const server = await startMetricsServer(metrics, port);
          new Logger(options.processName).log(`metrics on ${server.url}`);
          return server;
        },
      },
      {
        provide: TELEMETRY,
        useFactory: () =>
          initTelemetry({
            export: traceExport(options.config),
            // The all-in-one process is `chainmail`; a service alone is named as its spans are.
            processName:
              options.processName === 'chainmail' ? 'chainmail' : `chainmail-${options.processName}`,
            // JSON log lines carry the active span's ids, exported or not.
            activeSpans: options.config.logFormat === 'json',
          }),
      },
    ];
    if (options.database) {
      providers.push({
        provide: DATA_SOURCE,
        useFactory: async () => {
          await ensureDatabase(options.config.databaseUrl);
          return createDataSource(options.config.databaseUrl, { migrationsRun: true });
        },
      });
    }
    return {
      module: PlatformModule,
      providers,
      exports: providers.map((p) => (p as { provide: symbol }).provide),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    CatalogFeed.stop(this.catalog);
    await this.metricsServer?.close();
    await this.workers.close();
    await this.telemetry.shutdown();
    try {
      await this.nats.drain();
    } catch (err) {
      this.logger.warn(`NATS drain failed: ${(err as Error).message}`);
    }
  }
}

/** Every durable consumer's backlog on the run, command and definition streams of the namespace. */
async function consumerLags(nc: NatsConnection, names: EventLogNames): Promise<ConsumerLag[]> {
  const jsm = await nc.jetstreamManager();
  const lags: ConsumerLag[] = [];
  for (const stream of [names.runEventsStream, names.commandsStream, names.definitionEventsStream]) {
    for await (const info of jsm.consumers.list(stream)) {
      const durable = info.config.durable_name;
      if (durable === undefined) continue; // ephemeral readers (a live /events) are not consumers to watch
      lags.push({
        stream,
        durable,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
      });
    }
  }
  return lags;
}

/** The DataSource is closed by its own provider owner; kept separate so processes without Postgres skip it. */
export async function closeDataSource(dataSource: DataSource | undefined): Promise<void> {
  if (dataSource?.isInitialized) await dataSource.destroy();
}
