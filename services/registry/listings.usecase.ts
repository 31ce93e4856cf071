import { createHash } from 'node:crypto';
import {
  ChainmailError,
  type DefinitionEvent,
  type PublishListingRequest,
  type StarListingRequest,
  type UnpublishListingRequest,
} from '@chainmail/contracts';
import type { DefinitionCatalog, Listing } from '@chainmail/catalog';
import { requirementsOf } from '@chainmail/workflow-dsl';

/** The registry's port onto the listings' subjects of DEFINITION_EVENTS. */
export interface ListingAppender {
  append(id: string, event: DefinitionEvent, expectedLastSeq: number): Promise<{ seq: number }>;
  lastSequenceOf(id: string): Promise<number>;
  isConflict(err: unknown): boolean;
}

export interface ListingWritten {
  id: string;
  version: number;
  /** Stream sequence of the event; readers wait for it to see their own write. */
  seq: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Marketplace listings as registry-owned events: a listing version is a copy of one workflow
 * version's definition with the names of what it needs (agents, sub-workflows, secrets,
 * variables) — never a value, an agent's configuration or a run. Versions are immutable; a
 * workflow has at most one listing per owner, and each publish of it is that listing's next version.
 */
export class ListingUseCases {
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly log: ListingAppender,
    private readonly clock: () => number = Date.now,
    /** One id per owner's workflow, so two first publishes of it meet on one subject (a conflict, not two listings). */
    private readonly newId: (owner: string, workflow: string) => string = (owner, workflow) =>
      `lst_${createHash('sha256').update(`${owner}\n${workflow}`).digest('hex').slice(0, 16)}`,
  ) {}

  async publish(request: PublishListingRequest): Promise<ListingWritten> {
    const entry = this.catalog.get(request.workflow);
    const version = this.catalog.version(request.workflow, request.workflowVersion);
    if (entry === undefined || version === undefined) {
      throw new ChainmailError(
        'VERSION_NOT_FOUND',
        `Workflow "${request.workflow}" has no version ${request.workflowVersion}.`,
        { workflow: request.workflow, version: request.workflowVersion },
      );
    }
    return this.appending(
      () => this.catalog.listings.ofWorkflow(entry.owner, entry.name),
      (existing) => {
        const last = existing === undefined ? undefined : this.catalog.listings.latest(existing);
        if (last?.workflowVersion === request.workflowVersion && existing?.unpublished === false) {
          throw new ChainmailError(
            'CONFLICT',
            `Version ${request.workflowVersion} of "${entry.name}" is already listing ${existing.id} version ${last.version}; publish a new version of the workflow first.`,
            { listing: existing.id, version: last.version },
          );
        }
        const id = existing?.id ?? this.newId(entry.owner, entry.name);
        const next = (existing?.versions.length ?? 0) + 1;
        const event: DefinitionEvent = {
          type: 'ListingPublished',
          v: 1,
          at: new Date(this.clock()).toISOString(),
          data: {
            id,
            version: next,
            workflow: entry.name,
            workflowVersion: version.version,
            owner: entry.owner,
            visibility: request.visibility,
            ...(request.team !== undefined ? { team: request.team } : {}),
            title: request.title,
            description: request.description,
            tags: request.tags,
            source: version.source,
            definition: version.definition,
            requirements: requirementsOf(version.definition, version.source),
            by: request.by,
          },
        };
        return { id, version: next, event };
      },
    );
  }

  async unpublish(request: UnpublishListingRequest): Promise<ListingWritten> {
    return this.appending(
      () => this.found(request.id),
      (listing) => ({
        id: request.id,
        version: listing!.versions.length,
        event: {
          type: 'ListingUnpublished',
          v: 1,
          at: new Date(this.clock()).toISOString(),
          data: { id: request.id, by: request.by },
        },
      }),
    );
  }

  async star(request: StarListingRequest): Promise<ListingWritten> {
    const listing = this.found(request.id);
    if (listing.stars.has(request.user) === request.starred) {
      return { id: listing.id, version: listing.versions.length, seq: listing.lastSeq };
    }
    return this.appending(
      () => this.found(request.id),
      (current) => ({
        id: request.id,
        version: current!.versions.length,
        event: {
          type: 'ListingStarred',
          v: 1,
          at: new Date(this.clock()).toISOString(),
          data: { id: request.id, user: request.user, starred: request.starred },
        },
      }),
    );
  }

  private found(id: string): Listing {
    const listing = this.catalog.listings.get(id);
    if (listing === undefined) {
      throw new ChainmailError('LISTING_NOT_FOUND', `No marketplace listing has the id "${id}".`, { id });
    }
    return listing;
  }

  /** Decides against the current view and appends after its last sequence; on a conflict, catches up and decides again. */
  private async appending(
    current: () => Listing | undefined,
    decide: (listing: Listing | undefined) => { id: string; version: number; event: DefinitionEvent },
  ): Promise<ListingWritten> {
    for (let attempt = 1; ; attempt++) {
      const listing = current();
      const { id, version, event } = decide(listing);
      try {
        const { seq } = await this.log.append(id, event, listing?.lastSeq ?? 0);
        return { id, version, seq };
      } catch (err) {
        if (!this.log.isConflict(err) || attempt >= MAX_ATTEMPTS) throw err;
        await this.catalog.waitFor(await this.log.lastSequenceOf(id), 5_000);
      }
    }
  }
}
