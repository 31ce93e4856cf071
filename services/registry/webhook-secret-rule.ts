import { LineCounter, parseDocument } from 'yaml';
import type { ValidationIssue, WorkflowDefinition } from '@chainmail/workflow-dsl';

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
      ...position(source, path.parts),
      hint: 'write the trigger as a map with secret: "{{secrets.NAME}}" (callers sign the body with it), or with public: true to accept unsigned calls',
    });
  });
  return issues;
}

/** `trigger:` (one) or `triggers[i]` (a list), as the parser reads them. */
function triggerPath(source: string, index: number): { text: string; parts: (string | number)[] } {
  try {
    if (parseDocument(source).has('triggers'))
      return { text: `triggers[${index}]`, parts: ['triggers', index] };
  } catch {
    // Positions are a help; the issue stands without them.
  }
  return { text: 'trigger', parts: ['trigger'] };
}

function position(source: string, path: (string | number)[]): { line?: number; column?: number } {
  try {
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter });
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) return {};
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  } catch {
    return {};
  }
}
