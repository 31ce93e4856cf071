import type { Step } from '@chainmail/contracts';
import type { GotoUse } from './step-flow';
import type { MapEntry } from './yaml-tree';

/** What the graph and template checks need to know about each step, besides the step itself. */
export interface StepRecord {
  step: Step;
  path: string;
  idOffset: number;
  topLevel: boolean;
  /** The parallel step this one is a branch of. */
  parent?: string;
  /** The `needs:` as written (undefined when defaulted). */
  needs?: { entry: MapEntry; targets: { id: string; offset: number }[] };
}

export interface StepTable {
  steps: Step[];
  records: Map<string, StepRecord>;
  gotos: GotoUse[];
  /** `workflow:` targets, to refuse a workflow that runs itself. */
  workflowCalls: { name: string; path: string; offset: number }[];
  /** Every step id written, with its path — also of steps dropped for other errors, so those do not cascade. */
  declared: Map<string, { path: string; offset: number }>;
  /** Names bound by foreach `as`, which must not hide a step or an input. */
  locals: { name: string; path: string; offset: number }[];
}
