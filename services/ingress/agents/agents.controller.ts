import { Body, Controller, Delete, Get, Inject, Param, Put, Query } from '@nestjs/common';
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
import { parseAgentAddress, type AgentDirectory } from '@chainmail/agents';
import { AGENT_CATALOG, AGENT_DIRECTORY, CHAINMAIL_CONFIG } from '@chainmail/platform';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { ownerFor } from '../ownership/owner-access';
import { RegistryClient } from '../registry.client';
import { toAgentView } from './agent.dto';

const CATALOG_WAIT_MS = 5_000;

/** The agent directory: builtins and registered entries. Writes go to the registry, reads to this process's live directory. */
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly registry: RegistryClient,
    @Inject(AGENT_DIRECTORY) private readonly directory: AgentDirectory,
    @Inject(AGENT_CATALOG) private readonly catalog: AgentCatalog,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
  ) {}

  @Get()
  @RequireScope('read')
  list(@CurrentActor() actor: Actor): unknown {
    // Builtins and the installation's entries for all; registered entries to their owner and the owners they serve.
    const rights = actorRights(actor);
    const visible = this.directory.list().filter((entry) => agentVisibleTo(entry, rights));
    return { agents: visible.map((entry) => toAgentView(entry, this.config.modelPrices)) };
  }

  @Get(':address')
  @RequireScope('read')
  get(@CurrentActor() actor: Actor, @Param('address') address: string): unknown {
    return this.view(checkedAddress(address), actor);
  }

  @Put(':address')
  @RequireScope('write')
  async put(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Body() body: unknown,
    @Query('team') team?: string,
  ): Promise<unknown> {
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

  @Delete(':address')
  @RequireScope('write')
  async remove(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Query('force') force?: string,
  ): Promise<unknown> {
    const request: RemoveAgentRequest = {
      address: checkedAddress(address),
      by: actor.userId,
      force: force === 'true' || force === '1',
      ...this.writeRights(actor),
    };
    const change = await this.registry.request<AgentChange>(REGISTRY_AGENT_DELETE_SUBJECT, request);
    await this.catalog.waitFor(change.seq, CATALOG_WAIT_MS);
    const now = this.directory.entry(change.address);
    return {
      outcome: change.outcome,
      address: change.address,
      now: now ? toAgentView(now, this.config.modelPrices) : null,
    };
  }

  private view(address: string, actor?: Actor): unknown {
    const entry = this.directory.entry(address);
    if (!entry || (actor !== undefined && !agentVisibleTo(entry, actorRights(actor)))) {
      throw new ChainmailError('AGENT_NOT_FOUND', `No agent answers at ${address}.`, { address });
    }
    return toAgentView(entry, this.config.modelPrices);
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
