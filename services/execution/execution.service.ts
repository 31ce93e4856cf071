import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import {
  COMMANDS_STREAM,
  CONSUMERS,
  RUN_COMMAND_SUBJECTS,
  RUN_EVENTS_STREAM,
  RUN_SUBJECTS,
  type Command,
  type RunCommit,
} from '@chainmail/contracts';
import { agentReplyAddress, type ChainmailConfig } from '@chainmail/config';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { AgentDirectory } from '@chainmail/agents';
import {
  AppendConflict,
  CommandBus,
  RunLog,
  startConsumer,
  type ConsumedMessage,
  type EventLogNames,
  type ConsumerRunner,
} from '@chainmail/event-log';
import {
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import {
  extractTraceContext,
  injectTraceHeaders,
  runAttributes,
  withSpan,
  type Telemetry,
  type Tracer,
} from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import { SecretStore, VariableStore } from '@chainmail/secrets';
import { agentFactsFrom } from './agent-facts';
import { AgentInvoker } from './agent-invoker';
import { agentMailTransport, type AgentMailTransport } from './agent-mail-transport';
import { AgentMailer } from './agent-mailer';
import { KvAgentSlots } from './agent-slots';
import { CatalogDefinitions } from './catalog-definitions';
import { ChildRuns } from './child-runs';
import { NO_MEMBERSHIPS, PostgresMemberships } from './owner-memberships';
import { RunCommandHandler } from './run-command-handler';
import { toRunCommand } from './run-commands';
import { RunStore } from './run-store';
import { RunSecrets } from './secrets/run-secrets';
import { withOwnerVariables } from './secrets/run-variables';
import { SecretResolvingInvoker } from './secrets/secret-resolving-invoker';
import { StepRunner } from './step-runner';

/** A parent's cancel can overtake its child's start in the queue: it is retried this many times. */
const CHILD_CANCEL_DELIVERIES = 20;

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
  private readonly slots: KvAgentSlots;
  private readonly mailTransport: AgentMailTransport;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DEFINITION_CATALOG) catalog: DefinitionCatalog,
    @Inject(AGENT_DIRECTORY) agents: AgentDirectory,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    @Inject(TELEMETRY) telemetry: Telemetry,
    /** Team memberships of runs' owners (sub-workflows of their teams); without it, same owner only. */
    @Optional() @Inject(DATA_SOURCE) dataSource?: DataSource,
    /** The run owners' secrets (read at each call) and variables (recorded at each start). */
    @Optional() @Inject(SecretStore) secrets?: SecretStore,
    @Optional() @Inject(VariableStore) private readonly variables?: VariableStore,
  ) {
    this.tracer = telemetry.tracer('execution');
    const runs = new RunStore(new RunLog(nc, names));
    const definitions = new CatalogDefinitions(catalog);
    const facts = agentFactsFrom(agents, {
      prices: config.modelPrices,
      mailTimeoutMs: config.agentMailTimeoutMs,
    });
    this.commands = new RunCommandHandler(
      runs,
      definitions,
      (err) => err instanceof AppendConflict,
      Date.now,
      facts,
    );
    const memberships = dataSource ? new PostgresMemberships(dataSource) : NO_MEMBERSHIPS;
    const children = new ChildRuns(new CommandBus(nc, names), definitions, this.commands, memberships);
    this.slots = new KvAgentSlots(nc, names, undefined, (message) => this.logger.warn(message));
    this.mailTransport = agentMailTransport(config);
    const mailer = new AgentMailer(
      this.mailTransport,
      { from: config.mailFrom, replyTo: agentReplyAddress(config), domain: config.mailDomain },
      this.commands,
    );
    const gate = { entry: (address: string) => agents.entry(address), slots: this.slots, mailer };
    // Secrets are read for each call from the run owner's, and masked in what comes back.
    const invoker = new SecretResolvingInvoker(
      new AgentInvoker(agents),
      new RunSecrets(secrets, config.secretValues),
      (address) => agents.entry(address),
    );
    this.steps = new StepRunner(runs, this.commands, invoker, children, this.tracer, gate);
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
    this.slots.close();
    this.mailTransport.close();
  }

  private async onCommand(message: ConsumedMessage): Promise<void> {
    const command = message.json<Command>();
    await withSpan(
      this.tracer,
      `run command ${command.type}`,
      { parent: extractTraceContext(message.headers), attributes: runAttributes({ runId: command.runId }) },
      () => this.handleCommand(command, message),
    );
  }

  private async handleCommand(command: Command, message: ConsumedMessage): Promise<void> {
    const decided = toRunCommand(command);
    if (decided === undefined) {
      this.logger.warn(`ignoring unknown command on ${message.subject}`);
      return;
    }
    const handled = await this.commands.handle(
      command.runId,
      await withOwnerVariables(decided.command, this.variables),
      decided.msgId,
      injectTraceHeaders({}),
    );
    const fromParent = command.type === 'CancelRun' && command.by.startsWith('run:');
    if (fromParent && handled.state.status === 'new' && message.redeliveryCount < CHILD_CANCEL_DELIVERIES) {
      throw new Error(`run ${command.runId} has not started yet; its cancel waits for the start`);
    }
  }

  private async onCommit(message: ConsumedMessage): Promise<void> {
    const commit = message.json<RunCommit>();
    // Agent calls may outlast the ack wait; tell the server this replica is still at it.
    const heartbeat = setInterval(() => message.working(), Math.max(250, this.config.executionAckWaitMs / 3));
    try {
      await this.steps.onCommit({ ...commit, seq: message.seq }, message.headers);
    } finally {
      clearInterval(heartbeat);
    }
  }
}
