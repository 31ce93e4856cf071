import { Graph, layout } from '@dagrejs/dagre';
import type { Step, WorkflowDefinition } from '@chainmail/contracts';

/** What a node of the builder and run graphs shows. */
export interface StepNodeData {
  [key: string]: unknown;
  step: Step;
  /** The parallel step a branch belongs to. */
  parent?: string;
  /** The run's status of the step (run page, test runs); `idle` when there is no run. */
  status: string;
  /** Problems of the definition at this step. */
  problems: string[];
}

export interface GraphNode {
  id: string;
  type: 'step';
  position: { x: number; y: number };
  data: StepNodeData;
}

export type EdgeKind = 'order' | 'needs' | 'branch' | 'case' | 'goto';

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  data: { kind: EdgeKind };
}

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 76;

/**
 * A definition as a graph: a node per step (parallel branches too), edges from list order and
 * `needs` (a step that waits for a parallel step waits for each branch), from a parallel step to
 * its branches, from a switch to each case's target, and the gotos of checkpoint actions and
 * `on_error`. Laid out top to bottom by dagre.
 */
export function definitionToGraph(
  definition: Pick<WorkflowDefinition, 'steps'>,
  statuses: Record<string, string> = {},
  problems: Record<string, string[]> = {},
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges = new Map<string, GraphEdge>();
  const ends = new Map<string, string[]>();
  const addEdge = (source: string, target: string, kind: EdgeKind, label?: string): void => {
    const id = `${source}->${target}`;
    const known = edges.get(id);
    if (known !== undefined) {
      // One arrow per pair: the more telling kind and every label.
      if (label !== undefined) known.label = known.label ? `${known.label}, ${label}` : label;
      if (kind !== 'order' && kind !== 'needs') known.data.kind = kind;
      return;
    }
    edges.set(id, { id, source, target, label, data: { kind } });
  };
  const addNode = (step: Step, parent?: string): void => {
    nodes.push({
      id: step.id,
      type: 'step',
      position: { x: 0, y: 0 },
      data: { step, parent, status: statuses[step.id] ?? 'idle', problems: problems[step.id] ?? [] },
    });
  };
  for (const step of definition.steps) {
    addNode(step);
    if (step.kind === 'parallel') {
      for (const branch of step.branches) {
        addNode(branch, step.id);
        addEdge(step.id, branch.id, 'branch');
      }
      ends.set(
        step.id,
        step.branches.map((b) => b.id),
      );
    } else ends.set(step.id, [step.id]);
  }
  for (const step of definition.steps) {
    for (const need of step.needs) {
      for (const end of ends.get(need) ?? [need])
        addEdge(end, step.id, step.needsDeclared ? 'needs' : 'order');
    }
    if (step.kind === 'switch') {
      for (const c of step.cases) addEdge(step.id, c.goto, 'case', c.isDefault ? 'default' : (c.when ?? ''));
    }
    if (step.kind === 'checkpoint') {
      for (const name of ['approve', 'reject', 'edit'] as const) {
        const action = step.actions[name];
        if (action.kind === 'goto') addEdge(step.id, action.step, 'goto', `${name} → ${action.step}`);
      }
    }
    if (step.onError.kind === 'goto')
      addEdge(step.id, step.onError.step, 'goto', `on error → ${step.onError.step}`);
  }
  const known = new Set(nodes.map((n) => n.id));
  const drawn = [...edges.values()].filter((e) => known.has(e.source) && known.has(e.target));
  return { nodes: laidOut(nodes, drawn), edges: drawn };
}

function laidOut(nodes: GraphNode[], edges: GraphEdge[]): GraphNode[] {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  // Back edges (gotos to an earlier step) do not rank: the list order stays top to bottom.
  for (const edge of edges) if (edge.data.kind !== 'goto') graph.setEdge(edge.source, edge.target);
  layout(graph);
  return nodes.map((node) => {
    const placed = graph.node(node.id);
    return { ...node, position: { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 } };
  });
}

/** What a node says the step does, in a few words. */
export function stepSummary(step: Step): string {
  switch (step.kind) {
    case 'agent':
      return step.agent;
    case 'workflow':
      return `sub-workflow ${step.workflow}`;
    case 'checkpoint':
      return `checkpoint: ${step.message}`;
    case 'parallel':
      return `parallel: ${step.branches.length} branches`;
    case 'foreach':
      return `for each ${step.as} → ${step.body.kind === 'agent' ? step.body.agent : `workflow ${step.body.workflow}`}`;
    case 'switch':
      return `switch: ${step.cases.length} cases`;
  }
}
