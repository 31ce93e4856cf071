import type { ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';

const REFERENCE = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The owner's secret names; a check that needs no value (the master key may be elsewhere). */
export type SecretNames = (owner: string) => Promise<ReadonlySet<string>>;

/**
 * `{{secrets.NAME}}` in trigger settings that the workflow's owner does not have: refused at
 * publish time, each with the line and column of the reference, rather than failing every call
 * later. (Agent entries name their secrets in the directory; a missing one fails the step.)
 */
export function missingSecretIssues(
  definition: WorkflowDefinition,
  source: string,
  owner: string,
  names: ReadonlySet<string>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const reported = new Set<string>();
  definition.triggers.forEach((trigger, index) => {
    for (const text of stringsIn(trigger)) {
      for (const match of text.matchAll(REFERENCE)) {
        const name = match[1] ?? '';
        if (names.has(name) || reported.has(name)) continue;
        reported.add(name);
        const team = owner.startsWith('team:') ? ` --team ${owner.slice('team:'.length)}` : '';
        issues.push({
          code: 'INVALID_VALUE',
          message: `the ${trigger.type} trigger names the secret ${name}, which ${owner} does not have`,
          path: definition.triggers.length > 1 ? `triggers[${index}]` : 'trigger',
          ...positionOf(source, name),
          hint: `set it first: chainmail secrets set ${name}${team} < file`,
        });
      }
    }
  });
  return issues;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Line and column (1-based) of the first `{{secrets.NAME}}` in the source. */
function positionOf(source: string, name: string): { line?: number; column?: number } {
  const match = new RegExp(`\\{\\{\\s*secrets\\.${name}\\s*\\}\\}`).exec(source);
  if (match === null) return {};
  const before = source.slice(0, match.index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
