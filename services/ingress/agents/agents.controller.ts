import { Body, Controller, Delete, Get, Inject, Param, Put, Query } from '@nestjs/common';
import {
  ChainmailError,
  REGISTRY_AGENT_DELETE_SUBJECT,
  REGISTRY_AGENT_PUT_SUBJECT,
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
  list(): unknown {
    return { agents: this.directory.list().map((entry) => toAgentView(entry, this.config.modelPrices)) };
  }

  @Get(':address')
  @RequireScope('read')
  get(@Param('address') address: string): unknown {
    return this.view(checkedAddress(address));
  }

  @Put(':address')
  @RequireScope('write')
  async put(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    const request: PutAgentRequest = {
      address: checkedAddress(address),
      body,
      by: actor.userId,
      owner: 'default',
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

  private view(address: string): unknown {
    const entry = this.directory.entry(address);
    if (!entry) throw new ChainmailError('AGENT_NOT_FOUND', `No agent answers at ${address}.`, { address });
    return toAgentView(entry, this.config.modelPrices);
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
