import { completeSubject, workflowTitle } from './workflow-title';

describe('workflowTitle', () => {
  it.each([
    ['competitor-analysis', 'Competitor Analysis'],
    ['daily-news-digest', 'Daily News Digest'],
    ['digest', 'Digest'],
    ['weekly_report-v2', 'Weekly Report V2'],
    ['--', 'Workflow'],
  ])('%s → %s', (name, title) => {
    expect(workflowTitle(name)).toBe(title);
  });

  it('makes the seed-style completion subject', () => {
    expect(completeSubject('competitor-analysis')).toBe('Competitor Analysis Complete');
  });
});
