import { STOPWORDS } from './stopwords';

/** A word as written and the key it is counted under (lower case, plural folded). */
export interface Word {
  text: string;
  /** Lower case, curly apostrophes straightened. */
  lower: string;
  key: string;
}

// Letters and digits with inner hyphens/apostrophes/dots ("stand-in", "don't", "Node.js").
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;
const NUMBER = /^[\d.,-]+$/;

export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    let written = match[0];
    const last = written.length - 2;
    if (
      last > 0 &&
      (written[last] === "'" || written[last] === '’') &&
      (written[last + 1] === 's' || written[last + 1] === 'S')
    ) {
      written = written.slice(0, last);
    }
    const folded = written.toLowerCase();
    const lower = folded.includes('’') ? folded.replace(/’/g, "'") : folded;
    words.push({ text: written, lower, key: keyOfLower(lower) });
  }
  return words;
}

/** Lower case with plurals folded, so "Competitors" and "competitor" count as one term. */
export function keyOf(word: string): string {
  return keyOfLower(word.toLowerCase().replace(/’/g, "'"));
}

function keyOfLower(lower: string): string {
  const n = lower.length;
  if (n <= 3 || lower[n - 1] !== 's') return lower;
  if (n > 4 && lower.endsWith('ies')) return `${lower.slice(0, -3)}y`;
  if (n > 4 && lower.endsWith('sses')) return lower.slice(0, -2);
  const before = lower[n - 2];
  if (before === 's' || before === 'u' || before === 'i' || before === "'") return lower;
  return lower.slice(0, -1);
}

/** A word worth counting: not a function word, not a bare number, not a single letter. */
export function isContentWord(word: Word): boolean {
  return (
    word.key.length > 1 && !STOPWORDS.has(word.lower) && !STOPWORDS.has(word.key) && !NUMBER.test(word.key)
  );
}

export function contentKeys(text: string): string[] {
  return wordsOf(text)
    .filter(isContentWord)
    .map((w) => w.key);
}

export function isAcronym(word: string): boolean {
  return /^[A-Z][A-Z0-9]+s?$/.test(word) && word.length <= 8;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A set from words written one after another ("research investigate find …"). */
export function wordSet(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter((w) => w !== ''));
}
