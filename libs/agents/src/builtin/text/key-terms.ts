import { isAcronym, isContentWord, Word, wordsOf } from './words';

type PlacedWord = Word & { initial: boolean };

/** A term a text is about: a word or a two-word phrase, as first written. */
export interface KeyTerm {
  text: string;
  key: string;
  count: number;
  score: number;
  /** Index of the first occurrence among the text's words (ties and reading order). */
  first: number;
}

export interface KeyTermOptions {
  limit?: number;
  /** Keys never to return (request words such as "summarize"). */
  exclude?: ReadonlySet<string>;
}

// Phrases never span punctuation or dashes; a full stop counts only before a space ("Node.js" is a word).
const PHRASE_BREAK = /[.!?](?=\s|$)|[,;:()[\]{}"“”|\n]|\s[-–—]+\s/g;
const SENTENCE_BREAK = /^[.!?\n]$/;

interface Candidate {
  /** Forms as written mid-sentence, with their counts: a capital at a sentence start proves nothing. */
  forms: Map<string, number>;
  /** The form at a sentence start, used only when the term never appears elsewhere. */
  initialForm: string;
  count: number;
  first: number;
  phrase: boolean;
}

/** Ranks terms by frequency (acronyms and repeated phrases weigh more), first occurrence breaking ties. */
export function keyTerms(text: string, options: KeyTermOptions = {}): KeyTerm[] {
  const { limit = 8, exclude = new Set<string>() } = options;
  const candidates = new Map<string, Candidate>();
  let position = 0;
  let contentTotal = 0;
  const count = (key: string, form: string, phrase: boolean, initial: boolean): void => {
    const entry = candidates.get(key) ?? {
      forms: new Map(),
      initialForm: form,
      count: 0,
      first: position,
      phrase,
    };
    entry.count++;
    if (!initial) entry.forms.set(form, (entry.forms.get(form) ?? 0) + 1);
    candidates.set(key, entry);
  };
  for (const { chunk, startsSentence } of chunksOf(text)) {
    let previous: PlacedWord | undefined;
    let first = startsSentence;
    for (const word of wordsOf(chunk)) {
      const useful = isContentWord(word) && !exclude.has(word.key) && !exclude.has(word.lower);
      if (useful) {
        contentTotal++;
        count(word.key, word.text, false, first);
        if (previous && previous.key !== word.key) {
          count(`${previous.key} ${word.key}`, `${previous.text} ${word.text}`, true, previous.initial);
        }
      }
      previous = useful ? { ...word, initial: first } : undefined;
      first = false;
      position++;
    }
  }
  // In a short text one mention of a phrase is a signal; in a long one only repetition is.
  const minPhraseCount = contentTotal < 40 ? 1 : 2;
  const ranked: KeyTerm[] = [];
  for (const [key, entry] of candidates) {
    const form = preferredForm(entry);
    // A phrase said once counts only when it names something ("CRM space", "Roman aqueducts").
    const names = [...entry.forms.keys()].some((f) => /\p{Lu}/u.test(f));
    if (entry.phrase && (entry.count < minPhraseCount || (entry.count === 1 && !names))) continue;
    const weight = (entry.phrase ? 1.5 : 1) * (form.split(' ').some(isAcronym) ? 1.5 : 1);
    ranked.push({ text: form, key, count: entry.count, score: entry.count * weight, first: entry.first });
  }
  ranked.sort((a, b) => b.score - a.score || a.first - b.first || (a.key < b.key ? -1 : 1));
  return select(ranked, limit);
}

function chunksOf(text: string): { chunk: string; startsSentence: boolean }[] {
  const chunks: { chunk: string; startsSentence: boolean }[] = [];
  let start = 0;
  let startsSentence = true;
  for (const brk of text.matchAll(PHRASE_BREAK)) {
    chunks.push({ chunk: text.slice(start, brk.index), startsSentence });
    startsSentence = SENTENCE_BREAK.test(brk[0]);
    start = brk.index + brk[0].length;
  }
  chunks.push({ chunk: text.slice(start), startsSentence });
  return chunks;
}

/** Keeps a phrase instead of its words when the words are not used apart from it. */
function select(ranked: KeyTerm[], limit: number): KeyTerm[] {
  const chosen: KeyTerm[] = [];
  for (const term of ranked) {
    if (chosen.length >= limit) break;
    const parts = term.key.split(' ');
    if (
      parts.length === 1 &&
      chosen.some((c) => c.key.split(' ').includes(term.key) && c.count >= term.count)
    )
      continue;
    if (parts.length === 1 && chosen.some((c) => sameStem(c.key, term.key))) continue;
    if (parts.length > 1) {
      for (let i = chosen.length - 1; i >= 0; i--) {
        if (parts.includes(chosen[i].key) && chosen[i].count <= term.count) chosen.splice(i, 1);
      }
    }
    chosen.push(term);
  }
  return chosen;
}

/** "price" and "pricing", "manage" and "management": one term is enough. */
function sameStem(a: string, b: string): boolean {
  if (a.includes(' ') || a.length < 5 || b.length < 5) return false;
  return a.slice(0, 4) === b.slice(0, 4);
}

/** An acronym if the text ever writes one, else lower case if it ever writes that, else the commonest form. */
function preferredForm(entry: Candidate): string {
  const byUse = [...entry.forms.entries()].sort((a, b) => b[1] - a[1]).map(([form]) => form);
  if (byUse.length === 0) return entry.initialForm;
  return (
    byUse.find((f) => f.split(' ').some(isAcronym)) ?? byUse.find((f) => f === f.toLowerCase()) ?? byUse[0]
  );
}
