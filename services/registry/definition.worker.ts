import { parseDefinition, type ParseDefinitionTask, type ParsedDefinition } from '@chainmail/workflow-dsl';
import { openWebhookIssues } from './webhook-secret-rule';

/**
 * The registry's checks that need only the source, run where it is parsed (a worker thread):
 * parseWorkflow, then the rules that look positions up in the source again.
 */
export function checkDefinition(task: ParseDefinitionTask): ParsedDefinition {
  const parsed = parseDefinition(task);
  if (!parsed.result.ok) return parsed;
  const openWebhooks = openWebhookIssues(parsed.result.definition, task.source);
  return openWebhooks.length === 0 ? parsed : { ...parsed, result: { ok: false, errors: openWebhooks } };
}

/** The job for `WorkerPool.run`: this compiled module, or inline under ts. */
export const checkDefinitionJob = {
  filename: __filename,
  name: 'checkDefinition',
  inline: checkDefinition,
  what: 'checking the definition',
};
