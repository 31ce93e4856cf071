import type { WorkflowRequirements } from '@chainmail/workflow-dsl';

/** What a template's parameter holds. `agent` is an agent address (`research@`). */
export type TemplateParameterType = 'string' | 'number' | 'boolean' | 'agent';

export interface TemplateParameter {
  name: string;
  type: TemplateParameterType;
  default: string | number | boolean;
  description: string;
}

/** An agent the template calls: the address it runs on out of the box, and what to use in production. */
export interface TemplateAgent {
  /** The step address, or the parameter that holds it. */
  address?: string;
  parameter?: string;
  /** The agent a team would bind in production (`chainmail agents put …`). */
  production: string;
}

export interface NamedRequirement {
  name: string;
  description: string;
}

/** A template of the library: a parameterised workflow with what it needs and how to use it. */
export interface WorkflowTemplate {
  /** The folder name: `competitor-analysis`. */
  id: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  parameters: TemplateParameter[];
  agents: TemplateAgent[];
  /** Secrets the owner must set before publishing (`chainmail secrets set NAME`). */
  secrets: NamedRequirement[];
  /** Variables the owner must set before running (`chainmail variables set NAME VALUE`). */
  variables: NamedRequirement[];
  /** Run inputs that make a sample run (`chainmail run NAME --input k=v`). */
  sampleInput: Record<string, unknown>;
  /** A short guide, in Markdown. */
  guide: string;
  /** The workflow text, with `${parameter}` placeholders. */
  workflow: string;
}

/** A template rendered with parameter values: the workflow source to publish and what it needs. */
export interface RenderedTemplate {
  source: string;
  params: Record<string, string | number | boolean>;
  requirements?: WorkflowRequirements;
}
