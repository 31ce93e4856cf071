import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { describe, expect, it } from 'vitest';
import { definitionToGraph } from './graph';
import { definitionToYaml } from './to-yaml';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const files = readdirSync(examples).filter((name) => /\.ya?ml$/.test(name));

function parsed(source: string): WorkflowDefinition {
  const result = parseWorkflow(source);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return result.definition;
}

describe('YAML → graph → YAML keeps the meaning of every example', () => {
  it('finds the examples', () => expect(files.length).toBeGreaterThanOrEqual(10));

  it.each(files)('%s', (file) => {
    const definition = parsed(readFileSync(examples + file, 'utf8'));
    const graph = definitionToGraph(definition);
    // Every step is a node, branches included, and every node sits somewhere of its own.
    const ids = definition.steps.flatMap((s) => [
      s.id,
      ...(s.kind === 'parallel' ? s.branches.map((b) => b.id) : []),
    ]);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
    expect(new Set(graph.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(graph.nodes.length);
    // The graph's steps, written back, read as the same definition.
    const steps = graph.nodes.filter((n) => n.data.parent === undefined).map((n) => n.data.step);
    const again = parsed(definitionToYaml({ ...definition, steps }));
    expect(again).toEqual(definition);
  });
});
