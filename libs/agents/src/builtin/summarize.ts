import { splitInstruction } from './text/instruction';
import { readBlocks } from './text/markdown';
import { asSentence, overlap, ScoredSentence, scoreSentences } from './text/sentence-scores';
import { wordSet } from './text/words';

export interface SummaryOptions {
  /** At most this many sentences (default: about a third of the text, between 3 and 7). */
  maxSentences?: number;
  /** At most this many characters, unless the single best sentence is longer (default 1200). */
  maxChars?: number;
}

const SUMMARY_VERBS = wordSet(`summarize summarise condense shorten tl;dr tldr digest sum`);
const REDUNDANT = 0.5;
const COVERED_DISCOUNT = 0.5;

/**
 * An extractive summary: the best-scoring sentences of the text, in their original order,
 * skipping any that repeat one already kept. Markdown headings, bullets and code are not copied;
 * bullet text becomes sentences.
 */
export function summarizeText(text: string, options: SummaryOptions = {}): string {
  const { body } = splitInstruction(text, SUMMARY_VERBS);
  return pickSentences(scoreSentences(readBlocks(body)), options)
    .map((s) => asSentence(s.text))
    .join(' ');
}

/**
 * Greedy selection in the manner of SumBasic: after each pick the terms it covers count for
 * less, so the next pick brings something new rather than the same point again.
 */
export function pickSentences(
  sentences: readonly ScoredSentence[],
  options: SummaryOptions = {},
): ScoredSentence[] {
  if (sentences.length === 0) return [];
  const candidates = sentences.some((s) => !s.fragment)
    ? sentences.filter((s) => !s.fragment)
    : [...sentences];
  const maxSentences = options.maxSentences ?? Math.min(7, Math.max(3, Math.ceil(candidates.length / 3)));
  const maxChars = options.maxChars ?? 1200;
  const covered = new Map<string, number>();
  const scoreOf = (s: ScoredSentence): number => {
    let sum = 0;
    for (const [key, weight] of s.weights) sum += weight * COVERED_DISCOUNT ** (covered.get(key) ?? 0);
    return s.factor * sum;
  };
  const kept: ScoredSentence[] = [];
  let chars = 0;
  const keep = (s: ScoredSentence): void => {
    kept.push(s);
    chars += s.text.length + 1;
    for (const key of s.keys) covered.set(key, (covered.get(key) ?? 0) + 1);
  };
  // The opening sentence is kept whatever its score: it usually says what the text is (or, for
  // the offline research brief, that no research was done), and lead-first is a strong baseline.
  keep(candidates[0]);
  let remaining = candidates.slice(1);
  while (kept.length < maxSentences && remaining.length > 0) {
    remaining = remaining.filter(
      (s) => chars + s.text.length <= maxChars && !kept.some((k) => overlap(k.keys, s.keys) >= REDUNDANT),
    );
    let best: ScoredSentence | undefined;
    let bestScore = -1;
    for (const s of remaining) {
      const score = scoreOf(s);
      if (score > bestScore) [best, bestScore] = [s, score];
    }
    if (!best) break;
    keep(best);
    remaining = remaining.filter((s) => s !== best);
  }
  return kept.sort((a, b) => a.index - b.index);
}
