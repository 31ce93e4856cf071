import { parseWorkflow, requirementsOf, type WorkflowRequirements } from '@chainmail/workflow-dsl';
import { parse, stringify } from 'yaml';
import { UsageError } from './context';

/** What `chainmail export` writes and `chainmail import` reads. */
export const BUNDLE_FORMAT = 'chainmail/bundle@1';

export interface Bundle {
  workflow: string;
  version?: number;
  requires: WorkflowRequirements;
  definition: string;
}

/**
 * A portable file of one workflow version: its definition as written, and the names of what it
 * needs (agents, sub-workflows, secrets, variables) — never a value. Import it on another
 * installation after setting those up.
 */
export function toBundle(source: string, version?: number, exportedFrom?: string): string {
  const parsed = parseWorkflow(source);
  if (!parsed.ok)
    throw new Error(`the workflow's definition does not parse: ${parsed.errors[0]?.message ?? ''}`);
  const body = {
    format: BUNDLE_FORMAT,
    workflow: parsed.definition.name,
    ...(version !== undefined ? { version } : {}),
    ...(exportedFrom !== undefined ? { exportedFrom } : {}),
    requires: requirementsOf(parsed.definition, source),
    definition: source,
  };
  return (
    '# A Chainmail workflow bundle: `chainmail import FILE` publishes it. Set up what `requires`\n' +
    '# names first; the bundle holds no secret or variable value.\n' +
    stringify(body, { lineWidth: 0, blockQuote: 'literal' })
  );
}

export function fromBundle(file: string, text: string): Bundle {
  let body: unknown;
  try {
    body = parse(text, { maxAliasCount: 10 });
  } catch (err) {
    throw new UsageError(`${file}: not YAML (${err instanceof Error ? err.message : String(err)})`);
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.format !== BUNDLE_FORMAT) {
    throw new UsageError(
      `${file}: not a Chainmail bundle (expected "format: ${BUNDLE_FORMAT}"); publish a plain definition with \`chainmail apply -f ${file}\``,
    );
  }
  if (typeof b.definition !== 'string' || b.definition.trim() === '') {
    throw new UsageError(`${file}: the bundle has no "definition" text`);
  }
  const requires = (typeof b.requires === 'object' && b.requires !== null ? b.requires : {}) as Record<
    string,
    unknown
  >;
  const names = (key: string): string[] => (Array.isArray(requires[key]) ? requires[key].map(String) : []);
  return {
    workflow: typeof b.workflow === 'string' ? b.workflow : '',
    ...(typeof b.version === 'number' ? { version: b.version } : {}),
    requires: {
      agents: names('agents'),
      workflows: names('workflows'),
      secrets: names('secrets'),
      variables: names('variables'),
    },
    definition: b.definition,
  };
}
