import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import type { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { createDefaultDirectory, type AgentDirectory } from '@chainmail/agents';
import { AppendConflict, DefinitionLog, type EventLogNames } from '@chainmail/event-log';
import {
  AGENT_CATALOG,
  AGENT_DIRECTORY,
  CHAINMAIL_CONFIG,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  WORKER_POOL,
  type WorkerPool,
} from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import { SecretStore } from '@chainmail/secrets';
import type { AgentAppender } from './agent-appender';
import { PublishWithAgentRules } from './agent-rules.publish';
import { PutAgent } from './put-agent.usecase';
import { PublishWorkflow, type DefinitionAppender } from './publish-workflow.usecase';
import { RemoveAgent } from './remove-agent.usecase';
import { PauseSchedule } from './pause-schedule.usecase';
import { RollbackWorkflow } from './rollback-workflow.usecase';
import { ListingUseCases } from './listings.usecase';

/**
 * The registry's use cases over the definition stream, wired once per process: the responder
 * answers requests with them, and the loaders publish the examples and model agents at start.
 */
@Injectable()
export class RegistryService {
  readonly publish: PublishWorkflow;
  readonly rollback: RollbackWorkflow;
  readonly pauseSchedule: PauseSchedule;
  readonly putAgent: PutAgent;
  readonly removeAgent: RemoveAgent;
  readonly listings: ListingUseCases;

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(DEFINITION_CATALOG) catalog: DefinitionCatalog,
    @Inject(AGENT_DIRECTORY) agents: AgentDirectory,
    @Inject(CHAINMAIL_CONFIG) config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) names: EventLogNames,
    @Inject(AGENT_CATALOG) agentCatalog: AgentCatalog,
    /** Owners' secret names, for trigger settings that name secrets (absent without a database). */
    @Optional() @Inject(SecretStore) secrets?: SecretStore,
    /** Where definitions are parsed (the platform's threads); absent: a pool of its own. */
    @Optional() @Inject(WORKER_POOL) pool?: WorkerPool,
  ) {
    const log = new DefinitionLog(nc, names);
    const appender: DefinitionAppender = {
      append: (name, event, expected) => log.append(name, event, expected),
      lastSequenceOf: (name) => log.lastSequenceOf(name),
      isConflict: (err) => err instanceof AppendConflict,
    };
    // The live directory: an agent registered a moment ago is known to the next publish.
    this.publish = new PublishWithAgentRules(
      catalog,
      appender,
      (address) => agents.has(address),
      config.maxDefinitionBytes,
      (address, workflow) => {
        if (agents.allows(address, workflow)) return undefined;
        const entry = agents.entry(address);
        return `agent "${address}" may be used only by the workflows ${entry?.allowedWorkflows?.join(', ') ?? ''}, not by ${workflow}`;
      },
      pool,
    );
    if (secrets !== undefined) this.publish.secretNames = (owner) => secrets.namesOf(owner);
    const agentLog: AgentAppender = {
      append: (address, event, expected) => log.appendAgent(address, event, expected),
      lastSequenceOf: (address) => log.lastSequenceOfAgent(address),
      isConflict: (err) => err instanceof AppendConflict,
    };
    this.putAgent = new PutAgent(agentCatalog, agentLog);
    this.removeAgent = new RemoveAgent(agentCatalog, catalog, createDefaultDirectory(), agentLog);
    this.rollback = new RollbackWorkflow(catalog, appender);
    this.pauseSchedule = new PauseSchedule(catalog, appender);
    this.listings = new ListingUseCases(catalog, {
      append: (id, event, expected) => log.appendListing(id, event, expected),
      lastSequenceOf: (id) => log.lastSequenceOfListing(id),
      isConflict: (err) => err instanceof AppendConflict,
    });
  }
}
