/**
 * A workflow's name as a title for subjects: `competitor-analysis` → `Competitor Analysis`.
 * The name is all a definition is sure to have (descriptions are sentences, not titles); a
 * workflow that wants the seed's exact "Competitive Analysis Complete" sets `output.subject`.
 */
export function workflowTitle(name: string): string {
  const words = name.split(/[-_\s]+/).filter((w) => w !== '');
  if (words.length === 0) return 'Workflow';
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}

/** The completion mail's subject when the workflow sets none: `Competitor Analysis Complete`. */
export const completeSubject = (workflow: string): string => `${workflowTitle(workflow)} Complete`;
