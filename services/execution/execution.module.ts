import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Module, OnApplicationShutdown, type Provider } from '@nestjs/common';
import { agentReplyAddress, type ChainmailConfig } from '@chainmail/config';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { AgentDirectory } from '@chainmail/agents';
import { AppendConflict, CommandBus, RunLog, type EventLogNames } from '@chainmail/event-log';
import {
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  METRICS,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import { SecretsModule, SecretStore, VariableStore } from '@chainmail/secrets';
import type { ChainmailMetrics, Telemetry, Tracer } from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { agentFactsFrom, type AgentFactsLookup } from './agent-facts';
import { AgentInvoker } from './agent-invoker';
import { agentMailTransport, type AgentMailTransport } from './agent-mail-transport';
import { AgentMailer } from './agent-mailer';
import { KvAgentSlots } from './agent-slots';
import { CatalogDefinitions } from './catalog-definitions';
import { ChildRuns } from './child-runs';
import { CommitReactions } from './commit-reactions';
import {
  AGENT_FACTS,
  AGENT_GATE,
  AGENT_MAIL_TRANSPORT,
  AGENT_SLOTS,
  EXECUTION_INSTANCE,
  EXECUTION_TRACER,
  OWNER_MEMBERSHIPS,
  STEP_INVOKER,
} from './execution.tokens';
import { NO_MEMBERSHIPS, PostgresMemberships, type OwnerMemberships } from './owner-memberships';
import { REACTOR_HEADER, ReactionPeers } from './reaction-peers';
import { InstantSteps } from './instant-steps';
import { RunCommandHandler } from './run-command-handler';
import { RunCommandsConsumer } from './run-commands.consumer';
import { RunCommitsConsumer } from './run-commits.consumer';
import { RunStore } from './run-store';
import { recordEndedRun } from './run-spans';
import { OwnerVariables } from './secrets/owner-variables';
import { RunSecrets } from './secrets/run-secrets';
import { SecretResolvingInvoker } from './secrets/secret-resolving-invoker';
import { StepRunner, type AgentGate } from './step-runner';

const logger = new Logger('execution');

/** Lets the agent slots and the SMTP pool go once the consumers have stopped (their shutdown runs before). */
@Injectable()
class ExecutionResources implements OnApplicationShutdown {
  constructor(
    @Inject(AGENT_SLOTS) private readonly slots: KvAgentSlots,
    @Inject(AGENT_MAIL_TRANSPORT) private readonly mail: AgentMailTransport,
  ) {}

  onApplicationShutdown(): void {
    this.slots.close();
    this.mail.close();
  }
}

const providers: Provider[] = [
  {
    provide: EXECUTION_TRACER,
    inject: [TELEMETRY],
    useFactory: (telemetry: Telemetry): Tracer => telemetry.tracer('execution'),
  },
  {
    // This process among execution replicas: peers ask it about the commits it wrote.
    provide: EXECUTION_INSTANCE,
    useFactory: (): string => randomUUID(),
  },
  {
    provide: RunStore,
    inject: [NATS_CONNECTION, EVENT_LOG_NAMES, EXECUTION_INSTANCE, METRICS, TELEMETRY],
    useFactory: (
      nc: NatsConnection,
      names: EventLogNames,
      instance: string,
      metrics: ChainmailMetrics,
      telemetry: Telemetry,
    ) => {
      const runs = new RunStore(new RunLog(nc, names), undefined, { [REACTOR_HEADER]: instance });
      // Each commit is counted once, by the process that appended it; so is the run span recorded.
      runs.onAppended((commit, _headers, state) => {
        metrics.recordCommit(commit.events, {
          workflow: state.workflow,
          step: (stepId) => state.steps[stepId],
        });
        recordEndedRun(telemetry, commit, state);
      });
      return runs;
    },
  },
  {
    provide: CatalogDefinitions,
    inject: [DEFINITION_CATALOG],
    useFactory: (catalog: DefinitionCatalog) => new CatalogDefinitions(catalog),
  },
  {
    provide: AGENT_FACTS,
    inject: [AGENT_DIRECTORY, CHAINMAIL_CONFIG],
    useFactory: (agents: AgentDirectory, config: ChainmailConfig): AgentFactsLookup =>
      agentFactsFrom(agents, { prices: config.modelPrices, mailTimeoutMs: config.agentMailTimeoutMs }),
  },
  {
    provide: RunCommandHandler,
    inject: [RunStore, CatalogDefinitions, AGENT_FACTS, InstantSteps],
    useFactory: (
      runs: RunStore,
      definitions: CatalogDefinitions,
      facts: AgentFactsLookup,
      instant: InstantSteps,
    ) =>
      new RunCommandHandler(
        runs,
        definitions,
        (err) => err instanceof AppendConflict,
        Date.now,
        facts,
        instant,
      ),
  },
  {
    provide: InstantSteps,
    inject: [AGENT_DIRECTORY, STEP_INVOKER, EXECUTION_TRACER, TELEMETRY],
    useFactory: (
      agents: AgentDirectory,
      invoker: SecretResolvingInvoker,
      tracer: Tracer,
      telemetry: Telemetry,
    ) =>
      // Instant steps are the hot path: when nothing is exported, they make no spans at all.
      new InstantSteps(
        (address) => agents.isInstant(address),
        invoker,
        telemetry.exporting ? tracer : undefined,
      ),
  },
  {
    // Team memberships of runs' owners (sub-workflows of their teams); without a database, same owner only.
    provide: OWNER_MEMBERSHIPS,
    inject: [{ token: DATA_SOURCE, optional: true }],
    useFactory: (dataSource?: DataSource): OwnerMemberships =>
      dataSource ? new PostgresMemberships(dataSource) : NO_MEMBERSHIPS,
  },
  {
    provide: ChildRuns,
    inject: [NATS_CONNECTION, EVENT_LOG_NAMES, CatalogDefinitions, RunCommandHandler, OWNER_MEMBERSHIPS],
    useFactory: (
      nc: NatsConnection,
      names: EventLogNames,
      definitions: CatalogDefinitions,
      commands: RunCommandHandler,
      memberships: OwnerMemberships,
    ) => new ChildRuns(new CommandBus(nc, names), definitions, commands, memberships),
  },
  {
    provide: AGENT_SLOTS,
    inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
    useFactory: (nc: NatsConnection, names: EventLogNames) =>
      new KvAgentSlots(nc, names, undefined, (message) => logger.warn(message)),
  },
  {
    provide: AGENT_MAIL_TRANSPORT,
    inject: [CHAINMAIL_CONFIG],
    useFactory: (config: ChainmailConfig) => agentMailTransport(config),
  },
  {
    provide: AgentMailer,
    inject: [AGENT_MAIL_TRANSPORT, CHAINMAIL_CONFIG, RunCommandHandler],
    useFactory: (transport: AgentMailTransport, config: ChainmailConfig, commands: RunCommandHandler) =>
      new AgentMailer(
        transport,
        { from: config.mailFrom, replyTo: agentReplyAddress(config), domain: config.mailDomain },
        commands,
      ),
  },
  {
    provide: AGENT_GATE,
    inject: [AGENT_DIRECTORY, AGENT_SLOTS, AgentMailer],
    useFactory: (agents: AgentDirectory, slots: KvAgentSlots, mailer: AgentMailer): AgentGate => ({
      entry: (address) => agents.entry(address),
      slots,
      mailer,
    }),
  },
  {
    // Secrets are read for each call from the run owner's, and masked in what comes back.
    provide: STEP_INVOKER,
    inject: [AGENT_DIRECTORY, CHAINMAIL_CONFIG, { token: SecretStore, optional: true }],
    useFactory: (agents: AgentDirectory, config: ChainmailConfig, secrets?: SecretStore) =>
      new SecretResolvingInvoker(
        new AgentInvoker(agents),
        new RunSecrets(secrets, config.secretValues),
        (address) => agents.entry(address),
      ),
  },
  {
    provide: StepRunner,
    inject: [RunStore, RunCommandHandler, STEP_INVOKER, ChildRuns, EXECUTION_TRACER, AGENT_GATE],
    useFactory: (
      runs: RunStore,
      commands: RunCommandHandler,
      invoker: SecretResolvingInvoker,
      children: ChildRuns,
      tracer: Tracer,
      gate: AgentGate,
    ) => new StepRunner(runs, commands, invoker, children, tracer, gate),
  },
  {
    // Every commit this process appends is reacted to at once; the consumer's delivery joins it.
    provide: CommitReactions,
    inject: [RunStore, StepRunner],
    useFactory: (runs: RunStore, steps: StepRunner) => {
      const reactions = new CommitReactions(
        (commit, headers) => steps.onCommit(commit, headers),
        (commit, err) =>
          logger.warn(
            `reacting to commit ${commit.seq} of run ${commit.runId} failed, its redelivery tries again: ${(err as Error).message}`,
          ),
      );
      runs.onAppended((commit, headers) => reactions.appended(commit, headers));
      return reactions;
    },
  },
  {
    provide: ReactionPeers,
    inject: [NATS_CONNECTION, EVENT_LOG_NAMES, EXECUTION_INSTANCE, CommitReactions],
    useFactory: (nc: NatsConnection, names: EventLogNames, instance: string, reactions: CommitReactions) =>
      new ReactionPeers(nc, names, instance, reactions),
  },
  {
    provide: OwnerVariables,
    inject: [NATS_CONNECTION, EVENT_LOG_NAMES, { token: VariableStore, optional: true }],
    useFactory: (nc: NatsConnection, names: EventLogNames, store: VariableStore | undefined) => {
      if (store === undefined) return undefined;
      const variables = new OwnerVariables(store);
      variables.listen(nc, names);
      return variables;
    },
  },
  ExecutionResources,
  RunCommandsConsumer,
  RunCommitsConsumer,
];

/** Runs workflows: the engine's decisions, appended to the log, and the agent calls they ask for. */
@Module({ imports: [SecretsModule], providers })
export class ExecutionModule {}
