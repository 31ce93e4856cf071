import type { DefinitionCatalog } from '@chainmail/catalog';
import type { Step } from '@chainmail/contracts';

/** Every agent address the active version of each workflow names, with the workflows naming it. */
export function agentsInUse(catalog: DefinitionCatalog): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  for (const entry of catalog.list()) {
    const active = catalog.active(entry.name);
    if (!active) continue;
    for (const address of new Set(stepAgents(active.definition.steps))) {
      uses.set(address, [...(uses.get(address) ?? []), entry.name]);
    }
  }
  return uses;
}

/** Agent addresses of steps, parallel branches and foreach bodies, as written. */
export function stepAgents(steps: readonly Step[]): string[] {
  return steps.flatMap((step) => {
    switch (step.kind) {
      case 'agent':
        return [step.agent];
      case 'foreach':
        return step.body.kind === 'agent' ? [step.body.agent] : [];
      case 'parallel':
        return stepAgents(step.branches);
      default:
        return [];
    }
  });
}
