import { wordSet } from './words';

/**
 * Sentence splitting for prose (one Markdown block at a time). A full stop ends a sentence unless
 * it belongs to an abbreviation, an initial or a number, or the next word starts in lower case.
 */
const ABBREVIATIONS =
  wordSet(`e.g i.e vs mr mrs ms dr prof sr jr st inc ltd co corp no fig approx dept est cf al
  jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m`);

// End punctuation, closing quotes/brackets, then whitespace or the end of the text.
const BOUNDARY = /([.!?…]+)(["'”’)\]*_]*)(?=\s|$)/g;

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    if (!endsSentence(text, match.index, match[1], end)) continue;
    push(sentences, text.slice(start, end));
    start = end;
  }
  push(sentences, text.slice(start));
  return sentences;
}

function push(sentences: string[], raw: string): void {
  const sentence = raw.replace(/\s+/g, ' ').trim();
  if (sentence !== '') sentences.push(sentence);
}

// How far back to look for the word before a full stop: longer words are not abbreviations.
const LOOK_BACK = 24;

function endsSentence(text: string, at: number, punctuation: string, end: number): boolean {
  let i = end;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  if (i >= text.length) return true;
  if (/\p{Ll}/u.test(text.charAt(i))) return false;
  if (punctuation !== '.') return true;
  const word = (text.slice(Math.max(0, at - LOOK_BACK), at).match(/(\S+)$/)?.[1] ?? '').replace(
    /^[("'“‘[*_]+/,
    '',
  );
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // An initial ("J. Smith") is one capital letter.
  return !/^\p{Lu}$/u.test(word);
}
