import { Block } from './markdown';
import { splitSentences } from './sentences';
import { contentKeys } from './words';

/** A sentence of a document with what extractive work needs to rank and regroup it. */
export interface ScoredSentence {
  text: string;
  /** Reading order among all sentences. */
  index: number;
  /** The block it came from, and the nearest heading above it. */
  block: number;
  blockKind: Block['kind'];
  heading?: string;
  keys: ReadonlySet<string>;
  /** Weight of each of its content terms in the whole document. */
  weights: ReadonlyMap<string, number>;
  /** Position bonus over length normalization: score = factor × the sum of the weights. */
  factor: number;
  /** Too short to stand alone (a key-term bullet, a label). */
  fragment: boolean;
  score: number;
}

const MIN_WORDS = 4;
const LEAD_BONUS = 1.3;
const PARAGRAPH_LEAD_BONUS = 1.1;
const HEADING_TERM_WEIGHT = 1.5;

/**
 * Scores every prose sentence by the document frequency of its content terms (terms of the
 * headings count more), normalized by length so long sentences do not win by size, with a
 * bonus for the opening sentence and for paragraph leads (news-style lead bias).
 */
export function scoreSentences(blocks: readonly Block[]): ScoredSentence[] {
  interface Draft {
    text: string;
    block: number;
    blockKind: Block['kind'];
    heading?: string;
    keys: string[];
    paragraphLead: boolean;
  }
  const frequency = new Map<string, number>();
  const headingKeys = new Set<string>();
  const count = (keys: readonly string[]): void => {
    for (const key of keys) frequency.set(key, (frequency.get(key) ?? 0) + 1);
  };
  const drafts: Draft[] = [];
  let heading: string | undefined;
  blocks.forEach((block, blockIndex) => {
    if (block.kind === 'heading') {
      heading = block.text;
      const keys = contentKeys(block.text);
      count(keys);
      for (const key of keys) headingKeys.add(key);
      return;
    }
    if (block.kind !== 'paragraph' && block.kind !== 'item' && block.kind !== 'quote') return;
    splitSentences(block.text).forEach((text, inBlock) => {
      const keys = contentKeys(text);
      count(keys);
      drafts.push({
        text,
        block: blockIndex,
        blockKind: block.kind,
        heading,
        keys,
        paragraphLead: inBlock === 0 && block.kind === 'paragraph',
      });
    });
  });
  const maxFrequency = Math.max(1, ...frequency.values());
  const weight = (key: string): number =>
    ((frequency.get(key) ?? 0) / maxFrequency) * (headingKeys.has(key) ? HEADING_TERM_WEIGHT : 1);

  let seenLead = false;
  return drafts.map((draft, index) => {
    const keys = new Set(draft.keys);
    const weights = new Map<string, number>();
    let sum = 0;
    for (const key of keys) {
      const w = weight(key);
      weights.set(key, w);
      sum += w;
    }
    const fragment = draft.text.split(' ').length < MIN_WORDS;
    let factor = 1 / Math.sqrt(Math.max(MIN_WORDS, draft.keys.length));
    if (!fragment && !seenLead) {
      factor *= LEAD_BONUS;
      seenLead = true;
    } else if (draft.paragraphLead) {
      factor *= PARAGRAPH_LEAD_BONUS;
    }
    const { text, block, blockKind, heading: under } = draft;
    return {
      text,
      index,
      block,
      blockKind,
      heading: under,
      keys,
      weights,
      factor,
      fragment,
      score: factor * sum,
    };
  });
}

/** Share of `a`'s terms also in `b` over their union (Jaccard): high means the two say the same. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const key of a) if (b.has(key)) shared++;
  return shared / (a.size + b.size - shared);
}

/** A bullet or heading as a sentence in a paragraph: a capital first ("iPhone" aside), a full stop last. */
export function asSentence(text: string): string {
  let sentence = text.trim().replace(/[:;,]$/, '');
  const firstWord = /^\S+/.exec(sentence)?.[0] ?? '';
  if (/^\p{Ll}/u.test(firstWord) && !/\p{Lu}/u.test(firstWord))
    sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return /[.!?…]["'”’)]*$/.test(sentence) ? sentence : `${sentence}.`;
}
