import fc from 'fast-check';
import { agentCall } from '../agent-call.fixture';
import { CRM_ARTICLE, SEED_USER_INPUT } from '../competitor-flow.fixture';
import { createDefaultDirectory } from '../default-directory';
import { researchBrief } from './research';
import { summarizeText } from './summarize';
import { readBlocks } from './text/markdown';
import { splitSentences } from './text/sentences';

/** A sentence compared without its final full stop or the case of its first letter (bullets become sentences). */
const comparable = (s: string): string => s.replace(/[.]$/, '').replace(/^./, (c) => c.toLowerCase());

/** Every sentence of the input as plain text, headings and bullets read as sentences. */
function sourceSentences(markdown: string): string[] {
  return readBlocks(markdown)
    .filter((b) => b.kind !== 'code')
    .flatMap((b) => splitSentences(b.text))
    .map(comparable);
}

function positionsIn(summary: string, source: string[]): number[] {
  return splitSentences(summary).map((s) => source.indexOf(comparable(s)));
}

describe('summarize@ (extractive summary)', () => {
  const brief = researchBrief(`Research competitors for: ${SEED_USER_INPUT}`);
  const input = `Summarize this research: ${brief}`;
  const summary = summarizeText(input);

  it('on the seed flow, is much shorter than the research brief', () => {
    expect(summary.length).toBeGreaterThan(100);
    expect(summary.length).toBeLessThan(brief.length / 2);
  });

  it('is made of sentences of its input, in their original order', () => {
    const positions = positionsIn(summary, sourceSentences(brief));
    expect(positions.length).toBeGreaterThanOrEqual(3);
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('keeps the opening sentence, so the reader still learns no research was done', () => {
    expect(summary.startsWith('Offline research stand-in: no web search was done.')).toBe(true);
  });

  it('drops the instruction and the Markdown markers', () => {
    expect(summary).not.toContain('Summarize this research');
    expect(summary).not.toMatch(/(^|\n)\s*(#|-|\d+\.)\s/);
    expect(summary).not.toContain('|');
  });

  it('summarizes prose across sections without repeating itself, never quoting code', () => {
    const result = summarizeText(CRM_ARTICLE);
    const positions = positionsIn(result, sourceSentences(CRM_ARTICLE));
    expect(positions).not.toContain(-1);
    expect(positions).toHaveLength(4);
    expect(result).toContain('Customer relationship management (CRM) software helps companies track');
    expect(result).not.toContain('must never be summarized');
    // Coverage: after the opening paragraph it moves on to other parts of the article.
    expect(result).toMatch(/Enterprise plans|AI features|Switching CRM vendors/);
  });

  it('drops a sentence that repeats one already kept', () => {
    const text = [
      'Acme sells CRM software to small businesses in Europe.',
      'Acme sells CRM software to small businesses across Europe.',
      'Its main rival, Globex, targets large enterprises with a premium plan.',
      'Both companies raised prices last year after adding AI features.',
      'Analysts expect the market to consolidate within five years.',
      'Customers mostly complain about slow support and complex setup.',
    ].join(' ');
    const result = summarizeText(text, { maxSentences: 3 });
    expect(splitSentences(result)).toHaveLength(3);
    expect(result).toContain('Acme sells CRM software to small businesses in Europe.');
    expect(result).not.toContain('across Europe');
  });

  it('honours its length bounds', () => {
    expect(splitSentences(summarizeText(CRM_ARTICLE, { maxSentences: 2 }))).toHaveLength(2);
    const short = summarizeText(CRM_ARTICLE, { maxChars: 250 });
    expect(short.length).toBeLessThanOrEqual(250);
    expect(splitSentences(short).length).toBeGreaterThanOrEqual(1);
  });

  it('returns a short text whole, as sentences', () => {
    expect(summarizeText('- the first point is short\n- the second point is here')).toBe(
      'The first point is short. The second point is here.',
    );
    expect(summarizeText('One sentence only, nothing to cut.')).toBe('One sentence only, nothing to cut.');
  });

  it('is deterministic', () => {
    expect(summarizeText(input)).toBe(summary);
    expect(summarizeText(CRM_ARTICLE)).toBe(summarizeText(CRM_ARTICLE));
  });

  it('never invents a sentence and never grows the text (property)', () => {
    const word = fc.constantFrom(
      'market',
      'vendor',
      'price',
      'CRM',
      'customer',
      'growth',
      'the',
      'of',
      'data',
      'AI',
      'plan',
    );
    const sentence = fc.array(word, { minLength: 4, maxLength: 12 }).map((w) => `${w.join(' ')}.`);
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 30 }), (sentences) => {
        const text = sentences.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join(' ');
        const result = summarizeText(text);
        expect(result.length).toBeLessThanOrEqual(text.length);
        for (const kept of splitSentences(result)) expect(text).toContain(kept);
      }),
      { numRuns: 200 },
    );
  });

  it('as an agent, summarizes and refuses empty input', async () => {
    const agent = createDefaultDirectory().resolve('summarize@');
    await expect(agent.invoke(agentCall('summarize@', input))).resolves.toEqual({ output: summary });
    await expect(agent.invoke(agentCall('summarize@', ''))).rejects.toMatchObject({
      code: 'AGENT_BAD_INPUT',
    });
  });
});
