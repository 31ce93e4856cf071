/** Sub-workflows: the child run of a workflow step's attempt, and what it is started with. */

/** Deeper nesting than this is refused when the step starts (a run-time bound on cycles). */
export const MAX_WORKFLOW_DEPTH = 8;

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The child run of one attempt: derived, so a redelivered start starts nothing new. A foreach
 * item's `[3]` becomes `~3`, keeping the id one NATS subject token and plain in URLs.
 */
export function childRunId(runId: string, stepId: string, visit: number, attempt: number): string {
  return `${runId}-${stepId.replace(/\[(\d+)\]$/, '~$1')}-${visit}-${attempt}`;
}

/**
 * The child's inputs: the rendered input as `user_input`, and when it is a JSON object, its
 * fields as named inputs too (`input: "{{ {client: inputs.client} | json }}"`).
 */
export function childRunInputs(input: string): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const text = input.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [name, value] of Object.entries(parsed)) if (!UNSAFE.has(name)) inputs[name] = value;
      }
    } catch {
      // plain text that starts with a brace
    }
  }
  inputs['user_input'] = input;
  return inputs;
}
