import type { Issues } from './issues';
import type { Reader } from './reader';
import type { ScalarNode } from './yaml-tree';

/** Where a template may be used decides which names it may read. */
export type TemplateSite =
  /** Text of a step (input, condition, message, foreach, switch): only steps that ran before it. */
  | { kind: 'step'; stepId: string; locals: readonly string[] }
  /** The run's output: any step. */
  | { kind: 'output' }
  /** Trigger settings: secrets and vars only, rendered before any run exists. */
  | { kind: 'trigger' };

export interface TemplateUse {
  text: string;
  node: ScalarNode;
  path: string;
  site: TemplateSite;
  /** What the template is, for messages: "the input of step draft". */
  what: string;
}

export interface ParseContext {
  source: string;
  issues: Issues;
  reader: Reader;
  knownAgents?: (address: string) => boolean;
  /** Templates found while reading, checked once every step id is known. */
  templates: TemplateUse[];
}

/** `[a-z0-9][a-z0-9-]*`: workflow names (they appear in URLs and addresses). */
export const WORKFLOW_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
/** Step ids: identifiers, with hyphens between parts (`fan-out`, `step-2`). */
export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;
/** Input, var and `as` names: plain identifiers, so `{{client}}` and `{{vars.NAME}}` read them. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that would reach into JavaScript objects rather than data. */
export const UNSAFE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
