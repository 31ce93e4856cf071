import type { WorkflowDefinition } from './definition';
import type { AgentRegisteredData, AgentRemovedData } from './agent-events';

/**
 * Registry-owned events on DEFINITION_EVENTS: workflows on `definitions.<name>`, the agent
 * directory on `agents.<address token>`. The registry's views are folded from them.
 */
export interface DefinitionEventMap {
  WorkflowPublished: {
    name: string;
    version: number;
    /** The text as the author sent it (YAML or JSON). */
    source: string;
    definition: WorkflowDefinition;
    publishedBy: string;
    owner: string;
    /** A copy installed from the marketplace: the listing and the listing version it was taken from. */
    origin?: WorkflowOrigin;
  };
  WorkflowRolledBack: { name: string; fromVersion: number; toVersion: number; by: string };
  /**
   * One schedule trigger of the workflow stops firing (`schedule`: its position among the
   * definition's schedule triggers, "0", "1"…), whichever version is active, until resumed.
   */
  SchedulePaused: { name: string; schedule: string; by: string };
  ScheduleResumed: { name: string; schedule: string; by: string };
  AgentRegistered: AgentRegisteredData;
  AgentRemoved: AgentRemovedData;
  /** A new immutable version of a marketplace listing (`listings.<id>`). */
  ListingPublished: ListingPublishedData;
  /** Hidden from the marketplace; installed copies keep working. */
  ListingUnpublished: { id: string; by: string };
  ListingStarred: { id: string; user: string; starred: boolean };
}

export type ListingVisibility = 'public' | 'team';

/** Where an installed workflow came from. */
export interface WorkflowOrigin {
  listing: string;
  version: number;
  /** The installer's agents in place of the listing's: listing address → installed address. */
  agents?: Record<string, string>;
  /** The installer's webhook paths and email addresses in place of the listing's. */
  bindings?: Record<string, string>;
}

/** What a listing needs from its installer: names only, never a value or an agent's configuration. */
export interface ListingRequirements {
  agents: string[];
  workflows: string[];
  secrets: string[];
  variables: string[];
}

export interface ListingPublishedData {
  id: string;
  version: number;
  /** The workflow and its version this listing version was published from. */
  workflow: string;
  workflowVersion: number;
  /** The workflow's owner: who may publish further versions and unpublish. */
  owner: string;
  visibility: ListingVisibility;
  /** With `team` visibility: the team whose members see it. */
  team?: string;
  title: string;
  description: string;
  tags: string[];
  /** The definition's text as published (references such as `{{secrets.X}}` are names, not values). */
  source: string;
  definition: WorkflowDefinition;
  requirements: ListingRequirements;
  by: string;
}

export type DefinitionEventType = keyof DefinitionEventMap;

export type DefinitionEvent = {
  [K in DefinitionEventType]: { type: K; v: number; at: string; data: DefinitionEventMap[K] };
}[DefinitionEventType];
