import type { ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';
import { positionOf, triggerPath } from './trigger-position';

/**
 * A webhook trigger without a `secret` lets anyone who knows its path start runs with the
 * owner's rights: refused at publish time unless the definition says so with `public: true`.
 */
export function openWebhookIssues(definition: WorkflowDefinition, source: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  definition.triggers.forEach((trigger, index) => {
    if (trigger.type !== 'webhook' || trigger.secret !== undefined || trigger.public === true) return;
    const path = triggerPath(source, index);
    issues.push({
      code: 'INVALID_VALUE',
      message: `the webhook trigger "${trigger.path}" has no secret: anyone who knows the path could start runs`,
      path: path.text,
      ...positionOf(source, path.parts),
      hint: 'write the trigger as a map with secret: "{{secrets.NAME}}" (callers sign the body with it), or with public: true to accept unsigned calls',
    });
  });
  return issues;
}
