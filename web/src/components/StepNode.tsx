import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { StepNodeData } from '../workflow/graph';
import { stepSummary } from '../workflow/graph';

export type StepFlowNode = Node<StepNodeData, 'step'>;

/** A step on the graph: its id, what it does, its run status; a checkpoint is drawn as a gate. */
export function StepNode({ data, selected }: NodeProps<StepFlowNode>) {
  const { step, status, problems } = data;
  return (
    <div
      className={`step-node kind-${step.kind}${selected ? ' selected' : ''}${problems.length ? ' has-problems' : ''}`}
      data-step={step.id}
      data-status={status}
      data-kind={step.kind}
      title={problems.join('\n') || undefined}
    >
      <Handle type="target" position={Position.Top} />
      <div className="step-head">
        <span className="step-kind" aria-hidden="true">
          {KIND_MARK[step.kind]}
        </span>
        <span className="step-id">{step.id}</span>
        {status !== 'idle' && <span className="step-status">{status}</span>}
      </div>
      <div className="step-what">{stepSummary(step)}</div>
      {problems.length > 0 && (
        <div className="step-problems" role="note">
          ⚠ {problems[0]}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

/** Marks from fonts every system has (Geometric Shapes, Arrows, General Punctuation). */
const KIND_MARK: Record<string, string> = {
  agent: '◆',
  workflow: '▣',
  checkpoint: '‖',
  parallel: '≡',
  foreach: '↻',
  switch: '◇',
};
