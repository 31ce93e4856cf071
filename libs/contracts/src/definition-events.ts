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
  };
  WorkflowRolledBack: { name: string; fromVersion: number; toVersion: number; by: string };
  AgentRegistered: AgentRegisteredData;
  AgentRemoved: AgentRemovedData;
}

export type DefinitionEventType = keyof DefinitionEventMap;

export type DefinitionEvent = {
  [K in DefinitionEventType]: { type: K; v: number; at: string; data: DefinitionEventMap[K] };
}[DefinitionEventType];
