import type {
  DefinitionEvent,
  ListingPublishedData,
  ListingRequirements,
  ListingVisibility,
  WorkflowDefinition,
} from '@chainmail/contracts';

/** One immutable version of a listing. */
export interface ListingVersion {
  version: number;
  workflow: string;
  workflowVersion: number;
  title: string;
  description: string;
  tags: string[];
  source: string;
  definition: WorkflowDefinition;
  requirements: ListingRequirements;
  publishedAt: string;
  by: string;
}

export interface Listing {
  id: string;
  /** The workflow's owner (`user:<id>` or `team:<id>`): publishes versions, unpublishes. */
  owner: string;
  /** The workflow it is published from. */
  workflow: string;
  visibility: ListingVisibility;
  team?: string;
  versions: ListingVersion[];
  unpublished: boolean;
  /** Users who starred it. */
  stars: Set<string>;
  /** Workflows installed from it (their names). */
  installs: Set<string>;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
}

/**
 * The marketplace as the registry's events say it is: listings and their immutable versions,
 * who starred them, which workflows were installed from them (`WorkflowPublished.origin`).
 * Folded by the definition catalog from the same stream, so a process that knows definitions
 * knows listings at the same sequence.
 */
export class ListingCatalog {
  private readonly byId = new Map<string, Listing>();

  apply(seq: number, event: DefinitionEvent): void {
    switch (event.type) {
      case 'ListingPublished':
        this.publish(seq, event.at, event.data);
        break;
      case 'ListingUnpublished': {
        const listing = this.byId.get(event.data.id);
        if (!listing) break;
        listing.unpublished = true;
        listing.updatedAt = event.at;
        listing.lastSeq = seq;
        break;
      }
      case 'ListingStarred': {
        const listing = this.byId.get(event.data.id);
        if (!listing) break;
        if (event.data.starred) listing.stars.add(event.data.user);
        else listing.stars.delete(event.data.user);
        listing.lastSeq = seq;
        break;
      }
      case 'WorkflowPublished': {
        const origin = event.data.origin;
        if (origin !== undefined) this.byId.get(origin.listing)?.installs.add(event.data.name);
        break;
      }
      default:
        break;
    }
  }

  private publish(seq: number, at: string, d: ListingPublishedData): void {
    const listing = this.byId.get(d.id) ?? {
      id: d.id,
      owner: d.owner,
      workflow: d.workflow,
      visibility: d.visibility,
      versions: [],
      unpublished: false,
      stars: new Set<string>(),
      installs: new Set<string>(),
      createdAt: at,
      updatedAt: at,
      lastSeq: 0,
    };
    listing.visibility = d.visibility;
    if (d.team !== undefined) listing.team = d.team;
    else delete listing.team;
    // Publishing a new version brings an unpublished listing back.
    listing.unpublished = false;
    listing.versions.push({
      version: d.version,
      workflow: d.workflow,
      workflowVersion: d.workflowVersion,
      title: d.title,
      description: d.description,
      tags: d.tags,
      source: d.source,
      definition: d.definition,
      requirements: d.requirements,
      publishedAt: at,
      by: d.by,
    });
    listing.updatedAt = at;
    listing.lastSeq = seq;
    this.byId.set(d.id, listing);
  }

  get(id: string): Listing | undefined {
    return this.byId.get(id);
  }

  /** The listing published from this owner's workflow, if any. */
  ofWorkflow(owner: string, workflow: string): Listing | undefined {
    for (const listing of this.byId.values()) {
      if (listing.owner === owner && listing.workflow === workflow) return listing;
    }
    return undefined;
  }

  latest(listing: Listing): ListingVersion {
    return listing.versions[listing.versions.length - 1]!;
  }

  version(listing: Listing, version: number): ListingVersion | undefined {
    return listing.versions.find((v) => v.version === version);
  }

  list(): Listing[] {
    return [...this.byId.values()];
  }
}
