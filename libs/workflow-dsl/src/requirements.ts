import type { Step, WorkflowDefinition } from '@chainmail/contracts';

/**
 * What a workflow needs from whoever runs it: the agent addresses its steps call, the
 * sub-workflows it starts, and the *names* of the secrets and variables its templates read.
 * Names only: a template, a marketplace listing or a bundle carries this, never a value.
 */
export interface WorkflowRequirements {
  agents: string[];
  workflows: string[];
  secrets: string[];
  /** `{{vars.NAME}}` the definition does not define itself (its own `vars:` are constants). */
  variables: string[];
}

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const REFERENCE = /(?<![\w.])(secrets|vars)\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)/g;

export function requirementsOf(definition: WorkflowDefinition, source: string): WorkflowRequirements {
  const agents = new Set<string>();
  const workflows = new Set<string>();
  const visit = (steps: readonly Step[]): void => {
    for (const step of steps) {
      switch (step.kind) {
        case 'agent':
          agents.add(step.agent);
          break;
        case 'workflow':
          workflows.add(step.workflow);
          break;
        case 'foreach':
          if (step.body.kind === 'agent') agents.add(step.body.agent);
          else workflows.add(step.body.workflow);
          break;
        case 'parallel':
          visit(step.branches);
          break;
        default:
          break;
      }
    }
  };
  visit(definition.steps);
  const secrets = new Set<string>();
  const variables = new Set<string>();
  const own = new Set(Object.keys(definition.vars ?? {}));
  for (const [, expression] of source.matchAll(TEMPLATE)) {
    for (const [, scope, name] of (expression ?? '').matchAll(REFERENCE)) {
      if (name === undefined) continue;
      if (scope === 'secrets') secrets.add(name);
      else if (!own.has(name)) variables.add(name);
    }
  }
  const sorted = (set: Set<string>): string[] => [...set].sort();
  return {
    agents: sorted(agents),
    workflows: sorted(workflows),
    secrets: sorted(secrets),
    variables: sorted(variables),
  };
}
