import {
  actorRights,
  ChainmailError,
  mayDo,
  mayUseAgent,
  REGISTRY_LISTING_PUBLISH_SUBJECT,
  REGISTRY_LISTING_STAR_SUBJECT,
  REGISTRY_LISTING_UNPUBLISH_SUBJECT,
  type Actor,
  type ListingRequirements,
  type PublishListingRequest,
  type WorkflowOrigin,
} from '@chainmail/contracts';
import type { DefinitionCatalog, Listing, ListingVersion, WorkflowEntry } from '@chainmail/catalog';
import type { AgentDirectory } from '@chainmail/agents';
import type { SecretStore, VariableStore } from '@chainmail/secrets';
import { rewriteWorkflow } from '@chainmail/templates';
import { requirementsOf } from '@chainmail/workflow-dsl';
import { canSee, ownerFor } from '../ownership/owner-access';
import type { RegistryClient } from '../registry.client';
import type { PublishWorkflowUseCase } from '../workflows/publish-workflow.usecase';
import { workflowFor } from '../workflows/workflow-access';
import type {
  InstalledWorkflow,
  InstallListingBody,
  ListingDetail,
  ListingQuery,
  ListingSummary,
  PublishedListing,
  PublishListingBody,
  StarAnswer,
  UnpublishedListing,
} from './listing.dto';

const CATALOG_WAIT_MS = 5_000;

/** What an installed workflow's active version says about its listing. */
export interface OriginView {
  listing: string;
  listingVersion: number;
  latestVersion: number | null;
  updateAvailable: boolean;
}

/**
 * The marketplace at the edge: who sees which listing (public: everyone; team: its members; the
 * author always; unpublished: the author only), and installs and updates published through the
 * registry like any workflow, recording where they came from. Answers carry names of what a
 * workflow needs, never a value.
 */
export class MarketplaceService {
  constructor(
    private readonly registry: Pick<RegistryClient, 'request'>,
    private readonly catalog: DefinitionCatalog,
    private readonly publishing: Pick<PublishWorkflowUseCase, 'publish'>,
    private readonly secrets: Pick<SecretStore, 'namesOf'>,
    private readonly variables: Pick<VariableStore, 'list'>,
    private readonly agents: Pick<AgentDirectory, 'entry'>,
  ) {}

  async publish(actor: Actor, body: PublishListingBody): Promise<PublishedListing> {
    const entry = workflowFor(this.catalog, actor, body.workflow, 'publish');
    const version = body.version ?? entry.activeVersion;
    const team = body.visibility === 'team' ? this.visibilityTeam(actor, entry, body.team) : undefined;
    const request: PublishListingRequest = {
      workflow: entry.name,
      workflowVersion: version,
      visibility: body.visibility,
      ...(team !== undefined ? { team } : {}),
      title: body.title,
      description: body.description ?? '',
      tags: body.tags ?? [],
      by: actor.userId,
    };
    const written = await this.registry.request<{ id: string; version: number; seq: number }>(
      REGISTRY_LISTING_PUBLISH_SUBJECT,
      request,
    );
    await this.catalog.waitFor(written.seq, CATALOG_WAIT_MS);
    const listing = this.catalog.listings.get(written.id)!;
    return {
      id: written.id,
      version: written.version,
      requirements: this.catalog.listings.latest(listing).requirements,
    };
  }

  list(actor: Actor, query: ListingQuery): ListingSummary[] {
    const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const found = this.catalog.listings
      .list()
      .filter((l) => !l.unpublished && this.visible(actor, l))
      .filter((l) => {
        const latest = this.catalog.listings.latest(l);
        if (query.tag !== undefined && query.tag !== '' && !latest.tags.includes(query.tag)) return false;
        const text = [latest.title, latest.description, l.workflow, ...latest.tags].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .map((l) => this.summary(actor, l));
    const sort = query.sort ?? 'recent';
    const key = (s: ListingSummary): number =>
      sort === 'installs' ? s.installs : sort === 'stars' ? s.stars : Date.parse(s.updatedAt);
    return found.sort((a, b) => key(b) - key(a) || a.id.localeCompare(b.id));
  }

  get(actor: Actor, id: string): ListingDetail {
    const listing = this.seen(actor, id);
    const latest = this.catalog.listings.latest(listing);
    return {
      ...this.summary(actor, listing),
      source: latest.source,
      definition: latest.definition,
      versions: listing.versions.map((v) => ({
        version: v.version,
        workflowVersion: v.workflowVersion,
        title: v.title,
        publishedAt: v.publishedAt,
      })),
    };
  }

  async star(actor: Actor, id: string, starred: boolean): Promise<StarAnswer> {
    this.seen(actor, id);
    const written = await this.registry.request<{ seq: number }>(REGISTRY_LISTING_STAR_SUBJECT, {
      id,
      user: actor.userId,
      starred,
    });
    await this.catalog.waitFor(written.seq, CATALOG_WAIT_MS);
    const listing = this.catalog.listings.get(id)!;
    return { id, starred: listing.stars.has(actor.userId), stars: listing.stars.size };
  }

  async unpublish(actor: Actor, id: string): Promise<UnpublishedListing> {
    const listing = this.seen(actor, id);
    if (!mayDo(actorRights(actor), listing.owner, 'publish')) {
      throw new ChainmailError(
        'FORBIDDEN',
        `Only the author of listing ${id} (an editor or owner of ${listing.owner}) may unpublish it.`,
        { id, owner: listing.owner },
      );
    }
    const written = await this.registry.request<{ seq: number }>(REGISTRY_LISTING_UNPUBLISH_SUBJECT, {
      id,
      by: actor.userId,
    });
    await this.catalog.waitFor(written.seq, CATALOG_WAIT_MS);
    return { id, unpublished: true };
  }

  async install(actor: Actor, id: string, body: InstallListingBody): Promise<InstalledWorkflow> {
    const listing = this.seen(actor, id);
    if (listing.unpublished && !canSee(actor, listing.owner)) throw listingNotFound(id);
    const chosen =
      body.version === undefined
        ? this.catalog.listings.latest(listing)
        : this.catalog.listings.version(listing, body.version);
    if (chosen === undefined) {
      throw new ChainmailError('VERSION_NOT_FOUND', `Listing ${id} has no version ${body.version}.`, {
        id,
        version: body.version,
        latest: listing.versions.length,
      });
    }
    const agents = checkedAgentMap(body.agents ?? {}, chosen.requirements);
    const bindings = checkedBindings(body.bindings ?? {});
    const name = body.name ?? listing.workflow;
    const owner = ownerFor(actor, body.team, 'publish');
    const origin: WorkflowOrigin = {
      listing: id,
      version: chosen.version,
      ...(Object.keys(agents).length > 0 ? { agents } : {}),
      ...(Object.keys(bindings).length > 0 ? { bindings } : {}),
    };
    const published = await this.publishing.publish(
      actor,
      { source: rewriteWorkflow(chosen.source, name, agents, bindings), contentType: 'yaml' },
      body.team,
      origin,
    );
    const installed = this.catalog.version(published.name, published.version)!;
    const needs = requirementsOf(installed.definition, installed.source);
    return {
      name: published.name,
      version: published.version,
      listing: id,
      listingVersion: chosen.version,
      needs,
      missing: await this.missing(owner, needs),
      warnings: published.warnings,
    };
  }

  /** `POST /v1/workflows/:name/update`: the newest listing version, as the next version of the copy. */
  async update(actor: Actor, name: string): Promise<InstalledWorkflow & { previousListingVersion: number }> {
    const entry = workflowFor(this.catalog, actor, name, 'publish');
    const origin = this.catalog.version(name, entry.activeVersion)?.origin;
    if (origin === undefined) {
      throw new ChainmailError(
        'CONFLICT',
        `Workflow "${name}" was not installed from the marketplace: there is nothing to update it from.`,
        { name },
      );
    }
    const listing = this.catalog.listings.get(origin.listing);
    if (listing === undefined || listing.unpublished || !this.visible(actor, listing)) {
      throw new ChainmailError(
        'CONFLICT',
        `Listing ${origin.listing}, which "${name}" was installed from, is no longer in the marketplace; your copy keeps working as it is.`,
        { name, listing: origin.listing },
      );
    }
    const latest = this.catalog.listings.latest(listing);
    if (latest.version <= origin.version) {
      throw new ChainmailError(
        'CONFLICT',
        `Workflow "${name}" is up to date: it has version ${origin.version} of listing ${listing.id}, the latest.`,
        { name, listing: listing.id, listingVersion: origin.version },
      );
    }
    const published = await this.publishing.publish(
      actor,
      {
        source: rewriteWorkflow(latest.source, name, origin.agents ?? {}, origin.bindings ?? {}),
        contentType: 'yaml',
      },
      undefined,
      { ...origin, version: latest.version },
    );
    const installed = this.catalog.version(published.name, published.version)!;
    const needs = requirementsOf(installed.definition, installed.source);
    return {
      name,
      version: published.version,
      listing: listing.id,
      listingVersion: latest.version,
      previousListingVersion: origin.version,
      needs,
      missing: await this.missing(entry.owner, needs),
      warnings: published.warnings,
    };
  }

  /** For `GET /v1/workflows/:name`: the listing the active version came from, and whether a newer one waits. */
  originOf(actor: Actor, entry: WorkflowEntry): OriginView | undefined {
    const origin = this.catalog.version(entry.name, entry.activeVersion)?.origin;
    if (origin === undefined) return undefined;
    const listing = this.catalog.listings.get(origin.listing);
    const available = listing !== undefined && !listing.unpublished && this.visible(actor, listing);
    const latest = available ? this.catalog.listings.latest(listing).version : null;
    return {
      listing: origin.listing,
      listingVersion: origin.version,
      latestVersion: latest,
      updateAvailable: latest !== null && latest > origin.version,
    };
  }

  private visible(actor: Actor, listing: Listing): boolean {
    if (canSee(actor, listing.owner)) return true;
    if (listing.unpublished) return false;
    if (listing.visibility === 'public') return true;
    return listing.team !== undefined && actor.teams.some((t) => t.teamId === listing.team);
  }

  /** The listing when the caller may see it; else 404, so private listings do not leak. */
  private seen(actor: Actor, id: string): Listing {
    const listing = this.catalog.listings.get(id);
    if (listing === undefined || !this.visible(actor, listing)) throw listingNotFound(id);
    return listing;
  }

  private summary(actor: Actor, listing: Listing): ListingSummary {
    const latest: ListingVersion = this.catalog.listings.latest(listing);
    return {
      id: listing.id,
      version: latest.version,
      title: latest.title,
      description: latest.description,
      tags: latest.tags,
      workflow: listing.workflow,
      author: listing.owner,
      visibility: listing.visibility,
      ...(listing.team !== undefined ? { team: listing.team } : {}),
      stars: listing.stars.size,
      installs: listing.installs.size,
      starredByYou: listing.stars.has(actor.userId),
      unpublished: listing.unpublished,
      requirements: latest.requirements,
      updatedAt: listing.updatedAt,
    };
  }

  /** With `team` visibility: the team named (one the author is in), else the team owning the workflow. */
  private visibilityTeam(actor: Actor, entry: WorkflowEntry, team: string | undefined): string {
    if (team !== undefined && team !== '') {
      const id = team.startsWith('team:') ? team.slice('team:'.length) : team;
      if (!actor.teams.some((t) => t.teamId === id)) {
        throw new ChainmailError('TEAM_NOT_FOUND', `No team has the id "${id}".`, { teamId: id });
      }
      return id;
    }
    if (entry.owner.startsWith('team:')) return entry.owner.slice('team:'.length);
    throw new ChainmailError(
      'BAD_REQUEST',
      `A listing with visibility "team" needs the team that sees it: add "team": "<id>" (a team you are in), or share a team's workflow.`,
      { issues: [{ in: 'body', field: 'team', message: 'required with visibility team' }] },
    );
  }

  /** The agents the new owner's runs may not call, and the secret and variable names it does not have yet (names only). */
  private async missing(
    owner: string,
    needs: ListingRequirements,
  ): Promise<{ agents: string[]; secrets: string[]; variables: string[] }> {
    const secrets = needs.secrets.length === 0 ? new Set<string>() : await this.secrets.namesOf(owner);
    const variables =
      needs.variables.length === 0
        ? new Set<string>()
        : new Set((await this.variables.list([owner])).map((v) => v.name));
    return {
      agents: needs.agents.filter((address) => {
        const entry = this.agents.entry(address);
        return entry === undefined || !mayUseAgent(entry, owner);
      }),
      secrets: needs.secrets.filter((s) => !secrets.has(s)),
      variables: needs.variables.filter((v) => !variables.has(v)),
    };
  }
}

function checkedAgentMap(
  agents: Record<string, unknown>,
  needs: ListingRequirements,
): Record<string, string> {
  const issues: { in: 'body'; field: string; message: string }[] = [];
  const map: Record<string, string> = {};
  for (const [from, to] of Object.entries(agents)) {
    if (!needs.agents.includes(from)) {
      issues.push({
        in: 'body',
        field: `agents.${from}`,
        message: `the listing calls no agent "${from}" (it calls ${needs.agents.join(', ')})`,
      });
    } else if (typeof to !== 'string' || !/^[^\s@]+@[^\s@]*$/.test(to)) {
      issues.push({
        in: 'body',
        field: `agents.${from}`,
        message: 'must be an agent address such as my-writer@',
      });
    } else map[from] = to;
  }
  if (issues.length > 0) {
    throw new ChainmailError('BAD_REQUEST', `The agents to use instead have ${issues.length} problem(s).`, {
      issues,
    });
  }
  return map;
}

function checkedBindings(bindings: Record<string, unknown>): Record<string, string> {
  const issues = Object.entries(bindings)
    .filter(([, to]) => typeof to !== 'string' || to.trim() === '')
    .map(([from]) => ({
      in: 'body' as const,
      field: `bindings.${from}`,
      message: 'must be your webhook path or email address',
    }));
  if (issues.length > 0) {
    throw new ChainmailError('BAD_REQUEST', `The bindings to use instead have ${issues.length} problem(s).`, {
      issues,
    });
  }
  return bindings as Record<string, string>;
}

function listingNotFound(id: string): ChainmailError {
  return new ChainmailError('LISTING_NOT_FOUND', `No marketplace listing has the id "${id}".`, { id });
}
