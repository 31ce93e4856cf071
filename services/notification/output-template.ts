import type { WorkflowDefinition } from '@chainmail/contracts';
import type { RunRecord } from '@chainmail/persistence';
import { renderTemplate } from '@chainmail/workflow-dsl';
import { scopeOfRun } from './run-scope';

/**
 * One of the output settings (`to`, `subject`, `url`) rendered over the run's scope, on one line.
 * Rendered once, over the definition's text: an output that contains `{{…}}` stays literal.
 * An error or an empty result gives `fallback`.
 */
export function renderOutputSetting(
  run: RunRecord,
  definition: WorkflowDefinition,
  template: string | undefined,
  fallback: string,
): string {
  if (template === undefined || template.trim() === '') return fallback;
  try {
    const text = renderTemplate(template, scopeOfRun(run, definition))
      .replace(/[\r\n]+/g, ' ')
      .trim();
    return text === '' ? fallback : text;
  } catch {
    return fallback;
  }
}
