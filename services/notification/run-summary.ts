import type { RunEvent } from '@chainmail/contracts';
import type { RunRecord } from '@chainmail/persistence';
import { durationInWords } from './duration-words';
import { countedStepIds, type RunFacts } from './run-facts';

/** The facts of the seed's footer. */
export interface RunSummary {
  workflow: string;
  stepsCompleted: number;
  stepsTotal: number;
  /** Undefined while the run is still going. */
  totalMs?: number;
  /** Every agent that was called, in the order the run first called it. */
  agents: string[];
}

export function summarize(
  facts: RunFacts,
  run: RunRecord,
  events: readonly RunEvent[],
  totalMs?: number,
): RunSummary {
  const counted = countedStepIds(facts.definition);
  const agents: string[] = [];
  for (const event of events) {
    if (event.type !== 'StepStarted' || event.data.agent === undefined) continue;
    if (!agents.includes(event.data.agent)) agents.push(event.data.agent);
  }
  return {
    workflow: facts.workflow,
    stepsCompleted: counted.filter((id) => run.steps.some((s) => s.stepId === id && s.status === 'succeeded'))
      .length,
    stepsTotal: counted.length,
    totalMs,
    agents,
  };
}

/**
 * The seed's footer, line by line:
 *   Workflow: competitor-analysis
 *   Steps completed: 4/4
 *   Total time: 45 seconds
 *   Agents used: research@, summarize@, write-report@, proofread@
 */
export function footerLines(summary: RunSummary): string[] {
  const lines = [
    `Workflow: ${summary.workflow}`,
    `Steps completed: ${summary.stepsCompleted}/${summary.stepsTotal}`,
  ];
  if (summary.totalMs !== undefined) lines.push(`Total time: ${durationInWords(summary.totalMs)}`);
  lines.push(`Agents used: ${summary.agents.length > 0 ? summary.agents.join(', ') : 'none'}`);
  return lines;
}

/** Steps in the order the run first reached them, for webhook payloads. */
export function stepOrder(events: readonly RunEvent[]): string[] {
  const order: string[] = [];
  for (const event of events) {
    if (event.type !== 'StepStarted' && event.type !== 'StepSkipped') continue;
    if (!order.includes(event.data.stepId)) order.push(event.data.stepId);
  }
  return order;
}
