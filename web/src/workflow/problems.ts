import type { ValidationIssue } from '@chainmail/contracts';
import { parse } from 'yaml';

/**
 * Which step each problem is about, so the graph shows it on that node: an issue's path
 * (`steps[1].agent`, `steps[0].parallel[2].input`) read against the YAML as written.
 */
export function problemsByStep(source: string, issues: readonly ValidationIssue[]): Record<string, string[]> {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch {
    return {};
  }
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const id = stepIdAt(doc, issue.path);
    if (id !== undefined) (out[id] ??= []).push(issue.message);
  }
  return out;
}

const STEP_PATH = /^steps\[(\d+)\](?:\.parallel\[(\d+)\])?/;

function stepIdAt(doc: unknown, path: string): string | undefined {
  const match = STEP_PATH.exec(path);
  if (match === null || typeof doc !== 'object' || doc === null) return undefined;
  const steps = (doc as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return undefined;
  let step = steps[Number(match[1])] as Record<string, unknown> | undefined;
  if (match[2] !== undefined) {
    const branches = step?.parallel;
    step = Array.isArray(branches) ? (branches[Number(match[2])] as Record<string, unknown>) : undefined;
  }
  const id = step?.id ?? step?.name;
  return typeof id === 'string' ? id : undefined;
}

/** What `{{ }}` may read in a step of this workflow: outputs of steps, inputs, vars, secrets. */
export function templateNames(
  stepIds: readonly string[],
  inputs: readonly string[],
  vars: readonly string[],
  secrets: readonly string[],
): string[] {
  return [
    ...stepIds.map((id) => `${id}.output`),
    'user_input',
    ...inputs,
    ...vars.map((name) => `vars.${name}`),
    ...secrets.map((name) => `secrets.${name}`),
  ];
}
