import { ApiError } from '../api/api';

interface Issue {
  field?: string;
  param?: string;
  message?: string;
}

/**
 * The API's problems by the form field they belong to: a request field (`title`, `tags[1]` under
 * `tags`, `agents.research@`) or a template parameter (`params.<name>`). The error's message,
 * shown above the form, names every problem; this puts each beside its field too.
 */
export function problemsByField(error: unknown): Record<string, string[]> {
  if (!(error instanceof ApiError)) return {};
  const issues = (error.details?.issues ?? []) as Issue[];
  const byField: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = fieldOf(issue);
    if (key === undefined || issue.message === undefined) continue;
    (byField[key] ??= []).push(issue.message);
  }
  return byField;
}

function fieldOf(issue: Issue): string | undefined {
  if (issue.field !== undefined) return issue.field.replace(/\[\d+\]$/, '');
  if (issue.param !== undefined) return `params.${issue.param}`;
  return undefined;
}
