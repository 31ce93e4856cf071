import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AgentDirectory } from '@chainmail/agents';
import { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { loadConfig, type ChainmailConfig } from '@chainmail/config';
import { makeRunEvent, type StartRun } from '@chainmail/contracts';
import { RunLog } from '@chainmail/event-log';
import { createDataSource, projectCommits, RunProjectionWriter } from '@chainmail/persistence';
import {
  AGENT_CATALOG,
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  METRICS,
  NATS_CONNECTION,
  serveRequests,
  TELEMETRY,
} from '@chainmail/platform';
import { ChainmailMetrics, createTelemetry } from '@chainmail/telemetry';
import {
  createTestDatabase,
  isolatedEventLog,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { DataSource } from 'typeorm';
import { generateApiToken } from '@chainmail/identity';
import { configureIngressHttp } from '../ingress.http';
import { IngressModule } from '../ingress.module';

/**
 * Ingress alone against the real NATS and Postgres, for the inbound integration tests: HTTP on a
 * free port, SMTP on `config.smtpPort`, a definition catalog the test publishes into directly,
 * and the start commands ingress sends read back from the command stream (no execution runs).
 */
export interface IngressTestApp {
  base: string;
  app: NestExpressApplication;
  config: ChainmailConfig;
  /** The admin token of this app (every scope), as `CHAINMAIL_ADMIN_TOKEN` would set it. */
  adminToken: string;
  /** `{authorization: 'Bearer <admin token>'}`, for requests to `/v1`. */
  authHeaders: Record<string, string>;
  catalog: DefinitionCatalog;
  dataSource: DataSource;
  events: IsolatedEventLog;
  runLog: RunLog;
  /** Into the catalog directly (no registry): owned by `owner` (default: the legacy owner, the first admin's). */
  publish(yaml: string, owner?: string): void;
  /** The StartRun commands sent so far, oldest first. */
  startCommands(): Promise<StartRun[]>;
  /** Plays execution for a run: RunStarted, then RunSucceeded with `output` (or RunFailed). */
  /** Appends the run's start and end to the log and writes them into the run views. */
  finishRun(command: StartRun, outcome: { output: string } | { error: string }): Promise<void>;
  close(): Promise<void>;
}

const quiet = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

export async function startIngressTestApp(
  overrides: Partial<ChainmailConfig> = {},
  options: {
    /** A NATS server of the suite's own, for tests that answer the registry's subjects themselves. */
    natsUrl?: string;
    /** A second replica of `replicaOf`: the same database and event log (left to it to clean up). */
    replicaOf?: IngressTestApp;
    /** Nest's logger (default: silent). */
    logger?: boolean;
    /** The agent catalog and directory the app reads (default: an empty catalog, no directory). */
    agents?: { catalog: AgentCatalog; directory: AgentDirectory };
    /**
     * More modules in the same process, answering requests (`@MessagePattern`): the registry in
     * services/all-in-one's tests, or a stand-in a suite plays.
     */
    modules?: (Type<unknown> | DynamicModule)[];
  } = {},
): Promise<IngressTestApp> {
  let db: TestDatabase | undefined;
  let log: IsolatedEventLog | undefined;
  let dataSource: DataSource | undefined;
  const shared = options.replicaOf;
  try {
    if (shared) {
      log = shared.events;
      dataSource = shared.dataSource;
    } else {
      [db, log] = await Promise.all([
        createTestDatabase('ingress'),
        isolatedEventLog({ url: options.natsUrl }),
      ]);
      dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    }
    const adminToken = overrides.adminToken ?? generateApiToken().token;
    const config = loadConfig({}, { httpHost: '127.0.0.1', smtpPort: 0, ...overrides, adminToken });
    const catalog = new DefinitionCatalog();
    const platform = testPlatform(config, log, dataSource, catalog, options.agents);
    const app = await NestFactory.create<NestExpressApplication>(
      { module: class IngressTestRoot {}, imports: [platform, IngressModule, ...(options.modules ?? [])] },
      {
        logger: options.logger === true ? ['error', 'warn', 'log'] : quiet,
        rawBody: true,
        bodyParser: false,
      },
    );
    configureIngressHttp(app, config);
    await app.init();
    await serveRequests(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const events = log;
    const source = dataSource;
    const database = db;
    const runLog = new RunLog(events.nc, events.names);
    return {
      base: `http://127.0.0.1:${address.port}`,
      app,
      config,
      adminToken,
      authHeaders: { authorization: `Bearer ${adminToken}` },
      catalog,
      dataSource: source,
      events,
      runLog,
      publish: (yaml, owner) => publishInto(catalog, yaml, owner),
      startCommands: async () => {
        const jsm = await events.nc.jetstreamManager();
        const info = await jsm.streams.info(events.names.commandsStream);
        const commands: StartRun[] = [];
        for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
          const message = await jsm.streams
            .getMessage(events.names.commandsStream, { seq })
            .catch(() => undefined);
          const command = message?.json<{ type: string }>();
          if (command?.type === 'StartRun') commands.push(command as StartRun);
        }
        return commands;
      },
      finishRun: async (command, outcome) => {
        const at = new Date().toISOString();
        const started = makeRunEvent('RunStarted', command.runId, at, {
          workflow: command.workflow,
          version: command.version,
          inputs: command.inputs,
          trigger: command.trigger,
          owner: command.owner,
          actor: command.actor,
          debug: false,
          commandId: command.commandId,
          timeoutMs: 60_000,
        });
        const first = await runLog.append(
          { runId: command.runId, prev: 0, events: [started] },
          `${command.runId}-1`,
        );
        const end =
          'output' in outcome
            ? makeRunEvent('RunSucceeded', command.runId, at, { output: outcome.output, durationMs: 5 })
            : makeRunEvent('RunFailed', command.runId, at, {
                error: { code: 'AGENT_FAILED', message: outcome.error, retryable: false, stepId: 'a' },
                durationMs: 5,
              });
        const last = await runLog.append(
          { runId: command.runId, prev: first.seq, events: [end] },
          `${command.runId}-2`,
        );
        // No projector runs here: the run views are written as it would write them.
        await new RunProjectionWriter(source).write(
          projectCommits([
            { runId: command.runId, prev: 0, events: [started], seq: first.seq },
            { runId: command.runId, prev: first.seq, events: [end], seq: last.seq },
          ]),
        );
      },
      close: async () => {
        await app.close();
        if (shared) return;
        await source.destroy();
        await events.cleanup();
        await database?.drop();
      },
    };
  } catch (err) {
    if (!shared) {
      await dataSource?.destroy();
      await log?.cleanup();
      await db?.drop();
    }
    throw err;
  }
}

function testPlatform(
  config: ChainmailConfig,
  log: IsolatedEventLog,
  dataSource: DataSource,
  catalog: DefinitionCatalog,
  agents?: { catalog: AgentCatalog; directory: AgentDirectory },
): DynamicModule {
  @Global()
  @Module({})
  class TestPlatformModule {}
  const providers = [
    { provide: CHAINMAIL_CONFIG, useValue: config },
    { provide: NATS_CONNECTION, useValue: log.nc },
    { provide: EVENT_LOG_NAMES, useValue: log.names },
    { provide: DATA_SOURCE, useValue: dataSource },
    { provide: DEFINITION_CATALOG, useValue: catalog },
    { provide: AGENT_DIRECTORY, useValue: agents?.directory },
    { provide: AGENT_CATALOG, useValue: agents?.catalog ?? new AgentCatalog() },
    { provide: TELEMETRY, useValue: createTelemetry() },
    { provide: METRICS, useValue: new ChainmailMetrics({ defaultMetrics: false }) },
  ];
  return { module: TestPlatformModule, providers, exports: providers.map((p) => p.provide) };
}

function publishInto(catalog: DefinitionCatalog, yaml: string, owner = 'default'): void {
  const parsed = parseWorkflow(yaml);
  if (!parsed.ok) throw new Error(`test workflow does not parse: ${JSON.stringify(parsed)}`);
  const definition = parsed.definition;
  const version = (catalog.get(definition.name)?.versions.length ?? 0) + 1;
  catalog.apply(catalog.appliedSeq + 1, {
    type: 'WorkflowPublished',
    v: 1,
    at: new Date().toISOString(),
    data: { name: definition.name, version, source: yaml, definition, publishedBy: 'test', owner },
  });
}
