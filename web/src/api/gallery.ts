import type { ListingRequirements, ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';
import { call, enc, query } from './api';

/**
 * The templates library and the marketplace: `/v1/templates`, `/v1/marketplace/listings`, and the
 * marketplace's side of a workflow (where an installed copy came from, taking its update).
 */

export type TemplateParameterType = 'string' | 'number' | 'boolean' | 'agent';

export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  /** The agent addresses it calls with its defaults. */
  agents: string[];
}

export interface TemplateParameter {
  name: string;
  type: TemplateParameterType;
  default: string | number | boolean;
  description: string;
}

export interface TemplateDetail extends Omit<TemplateSummary, 'agents'> {
  parameters: TemplateParameter[];
  agents: { address: string; parameter?: string; production: string }[];
  secrets: { name: string; description: string }[];
  variables: { name: string; description: string }[];
  sampleInput: Record<string, unknown>;
  guide: string;
  /** The workflow with its defaults, as `use` would publish it. */
  workflow: string;
}

/** What a workflow's runs use: agents, sub-workflows, secret and variable names. */
export type Needs = ListingRequirements;

export interface UsedTemplate {
  name: string;
  version: number;
  template: string;
  params: Record<string, unknown>;
  needs: Needs;
  sampleInput: Record<string, unknown>;
  warnings: ValidationIssue[];
}

export type ListingSort = 'recent' | 'installs' | 'stars';

export interface ListingSummary {
  id: string;
  version: number;
  title: string;
  description: string;
  tags: string[];
  workflow: string;
  /** `user:<id>` or `team:<id>`. */
  author: string;
  visibility: 'public' | 'team';
  team?: string;
  stars: number;
  installs: number;
  starredByYou: boolean;
  unpublished: boolean;
  requirements: Needs;
  updatedAt: string;
}

export interface ListingDetail extends ListingSummary {
  source: string;
  definition: WorkflowDefinition;
  versions: { version: number; workflowVersion: number; title: string; publishedAt: string }[];
}

export interface PublishListingRequest {
  workflow: string;
  title: string;
  description?: string;
  tags?: string[];
  visibility: 'public' | 'team';
  team?: string;
}

export interface InstalledWorkflow {
  name: string;
  version: number;
  listing: string;
  listingVersion: number;
  needs: Needs;
  /** What the installer must still provide before a run. */
  missing: { agents: string[]; secrets: string[]; variables: string[] };
  warnings: ValidationIssue[];
}

/** Where an installed workflow's active version came from (absent for any other workflow). */
export interface WorkflowOrigin {
  listing: string;
  listingVersion: number;
  latestVersion: number | null;
  updateAvailable: boolean;
}

const listing = (id: string): string => `/v1/marketplace/listings/${enc(id)}`;

export const gallery = {
  templates: (filters: { q?: string; category?: string }) =>
    call<{ templates: TemplateSummary[]; categories: string[] }>('GET', `/v1/templates${query(filters)}`),
  template: (id: string) => call<TemplateDetail>('GET', `/v1/templates/${enc(id)}`),
  /** `team`: published as that team's workflow (editor or owner there). */
  useTemplate: (id: string, request: { name: string; params: Record<string, unknown> }, team?: string) =>
    call<UsedTemplate>('POST', `/v1/templates/${enc(id)}/use${query({ team })}`, { json: request }),

  listings: (filters: { q?: string; tag?: string; sort?: ListingSort }) =>
    call<{ listings: ListingSummary[] }>('GET', `/v1/marketplace/listings${query(filters)}`).then(
      (r) => r.listings,
    ),
  listing: (id: string) => call<ListingDetail>('GET', listing(id)),
  publishListing: (request: PublishListingRequest) =>
    call<{ id: string; version: number; requirements: Needs }>('POST', '/v1/marketplace/listings', {
      json: request,
    }),
  star: (id: string, starred: boolean) =>
    call<{ id: string; starred: boolean; stars: number }>(starred ? 'POST' : 'DELETE', `${listing(id)}/star`),
  unpublish: (id: string) => call<{ id: string; unpublished: boolean }>('DELETE', listing(id)),
  install: (id: string, request: { name?: string; team?: string }) =>
    call<InstalledWorkflow>('POST', `${listing(id)}/install`, { json: request }),

  origin: (workflow: string) =>
    call<{ origin?: WorkflowOrigin }>('GET', `/v1/workflows/${enc(workflow)}`).then((r) => r.origin),
  update: (workflow: string) =>
    call<InstalledWorkflow & { previousListingVersion: number }>(
      'POST',
      `/v1/workflows/${enc(workflow)}/update`,
    ),
};
