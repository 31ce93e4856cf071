import {
  actorRights,
  agentVisibleTo,
  ChainmailError,
  INSTALLATION_OWNER,
  publishableOwners,
  REGISTRY_AGENT_DELETE_SUBJECT,
  REGISTRY_AGENT_PUT_SUBJECT,
  visibleOwners,
  type Actor,
  type AgentChange,
  type PutAgentRequest,
  type RemoveAgentRequest,
} from '@chainmail/contracts';
import type { AgentCatalog } from '@chainmail/catalog';
import type { ChainmailConfig } from '@chainmail/config';
import type { FactoryProvider } from '@nestjs/common';
import { parseAgentAddress, type AgentDirectory } from '@chainmail/agents';
import { AGENT_CATALOG, AGENT_DIRECTORY, CHAINMAIL_CONFIG } from '@chainmail/platform';
import { ownerFor } from '../ownership/owner-access';
import { RegistryClient } from '../registry.client';
import { toAgentView, type AgentList, type AgentPut, type AgentRemoved, type AgentView } from './agent.dto';

const CATALOG_WAIT_MS = 5_000;

/** The agent directory: builtins and registered entries. Writes go to the registry, reads to this process's live directory. */
export class AgentsService {
  constructor(
    private readonly registry: Pick<RegistryClient, 'request'>,
    private readonly directory: AgentDirectory,
    private readonly catalog: Pick<AgentCatalog, 'waitFor'>,
    private readonly prices: ChainmailConfig['modelPrices'],
  ) {}

  list(actor: Actor): AgentList {
    // Builtins and the installation's entries for all; registered entries to their owner and the owners they serve.
    const rights = actorRights(actor);
    const visible = this.directory.list().filter((entry) => agentVisibleTo(entry, rights));
    return { agents: visible.map((entry) => toAgentView(entry, this.prices)) };
  }

  get(actor: Actor, address: string): AgentView {
    return this.view(checkedAddress(address), actor);
  }

  async put(actor: Actor, address: string, body: unknown, team: string | undefined): Promise<AgentPut> {
    const checked = checkedAddress(address);
    const request: PutAgentRequest = {
      address: checked,
      body,
      by: actor.userId,
      owner: this.ownerOfNewEntry(actor, checked, team),
      ...this.writeRights(actor),
    };
    const change = await this.registry.request<AgentChange>(REGISTRY_AGENT_PUT_SUBJECT, request);
    // Read-your-writes: this process resolves the new entry before the caller hears back.
    await this.catalog.waitFor(change.seq, CATALOG_WAIT_MS);
    return { outcome: change.outcome, agent: this.view(change.address) };
  }

  async remove(actor: Actor, address: string, force: boolean): Promise<AgentRemoved> {
    const request: RemoveAgentRequest = {
      address: checkedAddress(address),
      by: actor.userId,
      force,
      ...this.writeRights(actor),
    };
    const change = await this.registry.request<AgentChange>(REGISTRY_AGENT_DELETE_SUBJECT, request);
    await this.catalog.waitFor(change.seq, CATALOG_WAIT_MS);
    const now = this.directory.entry(change.address);
    return {
      outcome: change.outcome,
      address: change.address,
      now: now ? toAgentView(now, this.prices) : null,
    };
  }

  private view(address: string, actor?: Actor): AgentView {
    const entry = this.directory.entry(address);
    if (!entry || (actor !== undefined && !agentVisibleTo(entry, actorRights(actor)))) {
      throw new ChainmailError('AGENT_NOT_FOUND', `No agent answers at ${address}.`, { address });
    }
    return toAgentView(entry, this.prices);
  }

  /**
   * A new entry is the caller's (or `?team=`'s, editor or owner there). One over a builtin's
   * address would answer every owner's workflows that name it: only admins add those, for the
   * installation (an entry that changes keeps its owner; the registry decides who may change it).
   */
  private ownerOfNewEntry(actor: Actor, address: string, team: string | undefined): string {
    if (this.directory.entry(address)?.source !== 'builtin') return ownerFor(actor, team, 'publish');
    if (!actor.admin) {
      throw new ChainmailError(
        'FORBIDDEN',
        `${address} is a builtin agent that every workflow may name: only admins register an entry in its place. Register another address for your own agent.`,
        { address, required: 'admin-user' },
      );
    }
    return INSTALLATION_OWNER;
  }

  private writeRights(actor: Actor): { mayWrite: string[]; visibleTo: string[] } {
    const rights = actorRights(actor);
    const mayWrite = publishableOwners(rights);
    if (actor.admin) mayWrite.push(INSTALLATION_OWNER);
    return { mayWrite, visibleTo: visibleOwners(rights) };
  }
}

function checkedAddress(raw: string): string {
  const parsed = parseAgentAddress(raw);
  if (!parsed)
    throw new ChainmailError('BAD_REQUEST', `"${raw}" is not an agent address (name@ or name@domain).`, {
      address: raw,
    });
  return parsed.address;
}

/** The service over the registry client, this process's live directory and catalog, and the price table. */
export const AGENTS_SERVICE: FactoryProvider<AgentsService> = {
  provide: AgentsService,
  inject: [RegistryClient, AGENT_DIRECTORY, AGENT_CATALOG, CHAINMAIL_CONFIG],
  useFactory: (
    registry: RegistryClient,
    directory: AgentDirectory,
    catalog: AgentCatalog,
    config: ChainmailConfig,
  ) => new AgentsService(registry, directory, catalog, config.modelPrices),
};
