import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  type Connection,
  type Edge,
  type NodeMouseHandler,
  useReactFlow,
} from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { definitionToGraph, NODE_HEIGHT, NODE_WIDTH } from '../workflow/graph';
import { StepNode, type StepFlowNode } from './StepNode';

const NODE_TYPES = { step: StepNode };

interface Props {
  definition: Pick<WorkflowDefinition, 'steps'>;
  statuses?: Record<string, string>;
  problems?: Record<string, string[]>;
  selected?: string;
  onSelect?: (stepId: string | undefined) => void;
  /** Editing: an edge drawn from a step to another makes the second wait for the first. */
  onConnect?: (source: string, target: string) => void;
  onDeleteEdge?: (source: string, target: string) => void;
  onDeleteStep?: (stepId: string) => void;
}

/** The workflow drawn with React Flow, laid out by dagre; editable when the handlers are given. */
export function WorkflowGraph(props: Props) {
  const { definition, statuses, problems, selected } = props;
  const [selectedEdge, setSelectedEdge] = useState<string>();
  // The sizes React Flow measured, handed back with every new node list (a controlled flow must):
  // a node given without them is hidden until measured again, so a live run page would flicker.
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const { nodes, edges } = useMemo(() => {
    const graph = definitionToGraph(definition, statuses, problems);
    const flowNodes: StepFlowNode[] = graph.nodes.map((n) => ({
      ...n,
      selected: n.id === selected,
      initialWidth: NODE_WIDTH,
      initialHeight: NODE_HEIGHT,
      measured: measured.current.get(n.id),
    }));
    const flowEdges: Edge[] = graph.edges.map((e) => ({
      ...e,
      type: 'smoothstep',
      className: `edge-${e.data.kind}`,
      animated: statuses !== undefined && statuses[e.target] === 'running',
      markerEnd: { type: MarkerType.ArrowClosed },
      deletable: e.data.kind === 'needs' || e.data.kind === 'order',
      selected: e.id === selectedEdge,
    }));
    return { nodes: flowNodes, edges: flowEdges };
  }, [definition, statuses, problems, selected, selectedEdge]);
  const editable = props.onConnect !== undefined;
  const onNodeClick: NodeMouseHandler<StepFlowNode> = (_event, node) => props.onSelect?.(node.id);
  return (
    <div className="graph" data-testid="workflow-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={editable}
        elementsSelectable
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        // Selection from the keyboard (Tab to a node, Enter) as from a click.
        onNodesChange={(changes) =>
          changes.forEach((c) => {
            if (c.type === 'select' && c.selected) props.onSelect?.(c.id);
            if (c.type === 'dimensions' && c.dimensions) measured.current.set(c.id, c.dimensions);
          })
        }
        onNodeClick={(event, node) => {
          setSelectedEdge(undefined);
          onNodeClick(event, node);
        }}
        onEdgeClick={(_event, edge) => {
          setSelectedEdge(edge.id);
          props.onSelect?.(undefined);
        }}
        onPaneClick={() => {
          setSelectedEdge(undefined);
          props.onSelect?.(undefined);
        }}
        onConnect={(c: Connection) => c.source && c.target && props.onConnect?.(c.source, c.target)}
        onEdgesDelete={(deleted) => deleted.forEach((e) => props.onDeleteEdge?.(e.source, e.target))}
        onNodesDelete={(deleted) => deleted.forEach((n) => props.onDeleteStep?.(n.id))}
        proOptions={{ hideAttribution: true }}
      >
        <FitWhenStepsChange shape={[...nodes.map((n) => n.id), ...edges.map((e) => e.id)].join(',')} />
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** A step or an arrow added, removed or moved: the whole graph in view again. */
function FitWhenStepsChange({ shape }: { shape: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1.1 }));
    return () => cancelAnimationFrame(frame);
  }, [shape, flow]);
  return null;
}
