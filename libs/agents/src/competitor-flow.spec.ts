import { readBlocks } from './builtin/text/markdown';
import { runCompetitorFlow, SEED_USER_INPUT } from './competitor-flow.fixture';
import { createDefaultDirectory } from './default-directory';

/**
 * The seed's competitor-analysis workflow end to end on the builtin agents:
 * research@ → summarize@ → write-report@ → proofread@, inputs built like its templates.
 */
describe('the seed competitor-analysis flow on builtin agents', () => {
  it('produces a sensible Markdown report', async () => {
    const { research, summarize, draft, review } = await runCompetitorFlow(createDefaultDirectory());

    // Each step did work of its own.
    expect(new Set([research, summarize, draft, review]).size).toBeGreaterThanOrEqual(3);
    expect(summarize.length).toBeLessThan(research.length);

    const lines = review.split('\n');
    expect(lines[0]).toBe('# Competitive Analysis Report: CRM');
    const blocks = readBlocks(review);
    expect(blocks.filter((b) => b.kind === 'heading' && b.level === 1)).toHaveLength(1);
    expect(blocks.filter((b) => b.kind === 'heading' && b.level === 2).map((b) => b.text)).toEqual(
      expect.arrayContaining(['Executive summary', 'Key findings', 'Conclusion and next steps']),
    );
    expect(blocks.some((b) => b.kind === 'item')).toBe(true);
    expect(blocks.some((b) => b.kind === 'code')).toBe(false);
    // Every heading has content before the next heading.
    blocks.forEach((b, i) => {
      if (b.kind === 'heading' && b.level === 2) expect(blocks[i + 1]?.kind).not.toBe('heading');
    });

    // Honest: the reader learns that no research was done; nothing of the plumbing leaks.
    expect(review).toContain('Offline research stand-in: no web search was done.');
    expect(review).toContain('CRM');
    for (const leak of [
      'Review and polish',
      'Summarize this research',
      'Create a competitive analysis report',
      '{{',
      'undefined',
      'NaN',
    ]) {
      expect(review).not.toContain(leak);
    }
    expect(review).not.toMatch(/ {2,}\S|[ \t]+$/m);
    expect(review).not.toMatch(/\b(\w+) \1\b/i);
  });

  it('is deterministic: two runs give the same text at every step', async () => {
    const first = await runCompetitorFlow(createDefaultDirectory());
    const second = await runCompetitorFlow(createDefaultDirectory());
    expect(second).toEqual(first);
  });

  it('follows the request: another market gives another report', async () => {
    const { review } = await runCompetitorFlow(
      createDefaultDirectory(),
      'Analyze our competitors in the project management software market',
    );
    expect(review.split('\n')[0]).toBe('# Competitive Analysis Report: project management software');
    expect(review).not.toContain('CRM');
    expect(SEED_USER_INPUT).toContain('CRM');
  });
});
