import type { WorkflowDefinition } from '@chainmail/workflow-dsl';

/** Definition events, on `definitions.<name>`; the registry's view is folded from them. */
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
}

export type DefinitionEventType = keyof DefinitionEventMap;

export type DefinitionEvent = {
  [K in DefinitionEventType]: { type: K; v: number; at: string; data: DefinitionEventMap[K] };
}[DefinitionEventType];
