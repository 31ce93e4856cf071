import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  COMMANDS_STREAM,
  CONSUMERS,
  RUN_COMMAND_SUBJECTS,
  RUN_EVENTS_STREAM,
  RUN_SUBJECTS,
  type CancelRun,
  type RunCommit,
  type StartRun,
} from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { AgentDirectory } from '@chainmail/agents';
import {
  AppendConflict,
  RunLog,
  startConsumer,
  type ConsumedMessage,
  type EventLogNames,
  type ConsumerRunner,
} from '@chainmail/event-log';
import {
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import {
  extractTraceContext,
  injectTraceHeaders,
  runAttributes,
  withSpan,
  type Telemetry,
  type Tracer,
} from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import { AgentInvoker } from './agent-invoker';
import { CatalogDefinitions } from './catalog-definitions';
import { RunCommandHandler } from './run-command-handler';
import { RunStore } from './run-store';
import { StepRunner } from './step-runner';

/**
 * The run state machine's shell: start/cancel commands come from the COMMANDS stream, agent work
 * from the run commits themselves. Both consumers are durable and shared by every replica.
 */
@Injectable()
export class ExecutionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('execution');
  private readonly consumers: ConsumerRunner[] = [];
  private readonly commands: RunCommandHandler;
  private readonly steps: StepRunner;
  private readonly tracer: Tracer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DEFINITION_CATALOG) catalog: DefinitionCatalog,
    @Inject(AGENT_DIRECTORY) agents: AgentDirectory,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    @Inject(TELEMETRY) telemetry: Telemetry,
  ) {
    this.tracer = telemetry.tracer('execution');
    const runs = new RunStore(new RunLog(nc, names));
    const definitions = new CatalogDefinitions(catalog);
    this.commands = new RunCommandHandler(runs, definitions, (err) => err instanceof AppendConflict);
    this.steps = new StepRunner(runs, this.commands, new AgentInvoker(agents), definitions, this.tracer);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumers.push(
      await startConsumer(this.nc, {
        names: this.names,
        stream: COMMANDS_STREAM,
        durable: CONSUMERS.executionCommands,
        filterSubject: RUN_COMMAND_SUBJECTS,
        concurrency: this.config.executionConcurrency,
        handler: (message) => this.onCommand(message),
      }),
      await startConsumer(this.nc, {
        names: this.names,
        stream: RUN_EVENTS_STREAM,
        durable: CONSUMERS.executionEvents,
        filterSubject: RUN_SUBJECTS,
        concurrency: this.config.executionConcurrency,
        ackWaitMs: this.config.executionAckWaitMs,
        handler: (message) => this.onCommit(message),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private async onCommand(message: ConsumedMessage): Promise<void> {
    const command = message.json<StartRun | CancelRun>();
    await withSpan(
      this.tracer,
      `run command ${command.type}`,
      { parent: extractTraceContext(message.headers), attributes: runAttributes({ runId: command.runId }) },
      () => this.handleCommand(command, message),
    );
  }

  private async handleCommand(command: StartRun | CancelRun, message: ConsumedMessage): Promise<void> {
    switch (command.type) {
      case 'StartRun': {
        const { type: _type, ...data } = command;
        await this.commands.handle(
          command.runId,
          { type: 'StartRun', data },
          `${command.runId}:start`,
          injectTraceHeaders({}),
        );
        return;
      }
      case 'CancelRun':
        await this.commands.handle(
          command.runId,
          { type: 'CancelRun', data: { reason: command.reason, by: command.by } },
          `${command.runId}:cancel`,
          injectTraceHeaders({}),
        );
        return;
      default:
        this.logger.warn(`ignoring unknown command on ${message.subject}`);
    }
  }

  private async onCommit(message: ConsumedMessage): Promise<void> {
    const commit = message.json<RunCommit>();
    await this.steps.onCommit({ ...commit, seq: message.seq }, message.headers);
  }
}
