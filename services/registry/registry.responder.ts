import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import {
  ChainmailError,
  REGISTRY_AGENT_DELETE_SUBJECT,
  REGISTRY_AGENT_PUT_SUBJECT,
  REGISTRY_PUBLISH_SUBJECT,
  REGISTRY_QUEUE,
  REGISTRY_ROLLBACK_SUBJECT,
  REGISTRY_VALIDATE_SUBJECT,
  type PublishWorkflowRequest,
  type PutAgentRequest,
  type RemoveAgentRequest,
  type RollbackWorkflowRequest,
} from '@chainmail/contracts';
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
} from '@chainmail/platform';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { SecretStore } from '@chainmail/secrets';
import type { AgentAppender } from './agent-appender';
import { PublishWithAgentRules } from './agent-rules.publish';
import { PutAgent } from './put-agent.usecase';
import { PublishWorkflow, type DefinitionAppender } from './publish-workflow.usecase';
import { RemoveAgent } from './remove-agent.usecase';
import { RollbackWorkflow } from './rollback-workflow.usecase';

/** Answers the registry's request/reply subjects; replicas share them through a queue group. */
@Injectable()
export class RegistryResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('registry');
  private readonly subscriptions: Subscription[] = [];
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  readonly publish: PublishWorkflow;
  readonly rollback: RollbackWorkflow;
  readonly putAgent: PutAgent;
  readonly removeAgent: RemoveAgent;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DEFINITION_CATALOG) catalog: DefinitionCatalog,
    @Inject(AGENT_DIRECTORY) agents: AgentDirectory,
    @Inject(CHAINMAIL_CONFIG) config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) names: EventLogNames,
    @Inject(AGENT_CATALOG) agentCatalog: AgentCatalog,
    /** Owners' secret names, for trigger settings that name secrets (absent without a database). */
    @Optional() @Inject(SecretStore) secrets?: SecretStore,
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
  }

  onApplicationBootstrap(): void {
    this.serve(REGISTRY_PUBLISH_SUBJECT, (body) => this.publish.execute(body as PublishWorkflowRequest));
    this.serve(REGISTRY_VALIDATE_SUBJECT, async (body) => {
      const result = this.publish.validate(body as PublishWorkflowRequest);
      return result.ok
        ? { valid: true, name: result.definition.name, warnings: result.warnings }
        : { valid: false, issues: result.errors };
    });
    this.serve(REGISTRY_ROLLBACK_SUBJECT, (body) => this.rollback.execute(body as RollbackWorkflowRequest));
    this.serve(REGISTRY_AGENT_PUT_SUBJECT, (body) => this.putAgent.execute(body as PutAgentRequest));
    this.serve(REGISTRY_AGENT_DELETE_SUBJECT, (body) => this.removeAgent.execute(body as RemoveAgentRequest));
  }

  onApplicationShutdown(): void {
    for (const sub of this.subscriptions) sub.unsubscribe();
  }

  private serve(subject: string, handler: (body: unknown) => Promise<unknown>): void {
    const sub = this.nc.subscribe(subject, { queue: REGISTRY_QUEUE });
    this.subscriptions.push(sub);
    void (async () => {
      for await (const msg of sub) void this.answer(msg, handler);
    })();
  }

  private async answer(msg: Msg, handler: (body: unknown) => Promise<unknown>): Promise<void> {
    let reply: unknown;
    try {
      const body: unknown = JSON.parse(this.decoder.decode(msg.data));
      reply = { ok: true, result: await handler(body) };
    } catch (err) {
      if (err instanceof ChainmailError) {
        reply = { ok: false, error: err.toJSON() };
      } else {
        this.logger.error(`request on ${msg.subject} failed: ${(err as Error).stack ?? String(err)}`);
        reply = {
          ok: false,
          error: { code: 'INTERNAL', message: 'The registry failed to handle the request.' },
        };
      }
    }
    msg.respond(this.encoder.encode(JSON.stringify(reply)));
  }
}
