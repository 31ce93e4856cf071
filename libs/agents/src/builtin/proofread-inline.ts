import { MISSPELLINGS } from './misspellings';

/** One change the proofreader made, for a UI to show beside the polished text. */
export type CorrectionKind =
  'spelling' | 'doubled-word' | 'spacing' | 'capitalization' | 'punctuation' | 'whitespace';

export interface Correction {
  kind: CorrectionKind;
  /** 1-based line in the original text. */
  line: number;
  before: string;
  after: string;
}

type Record = (kind: CorrectionKind, before: string, after: string) => void;

/**
 * Text that is not prose and must come out byte for byte: code spans, links and their targets,
 * HTML, templates, URLs, mail and agent addresses, file names and identifiers, dotted
 * abbreviations ("e.g.").
 */
const PROTECTED = new RegExp(
  [
    /(`+)[^`]*?\1/u.source,
    /<!--.*?-->/u.source,
    /<\/?[A-Za-z][^<>]*>/u.source,
    /<(?:https?:|mailto:)[^<>\s]*>/u.source,
    /\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"]*")?\)/u.source,
    /\]\[[^\]]*\]/u.source,
    /\{\{.*?\}\}/u.source,
    /(?:https?:\/\/|www\.)[^\s<>()]*[^\s<>().,;:!?'"]/u.source,
    /[\p{L}\p{N}._%+-]*@(?:[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*)?/u.source,
    /(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/u.source,
    /[\p{L}\p{N}_-]+(?:(?:\/|\\|::)[\p{L}\p{N}_.-]+)+/u.source,
    /[\p{L}\p{N}_-]+(?:\.[\p{Ll}\p{N}_][\p{L}\p{N}_-]*)+/u.source,
    /[\p{L}\p{N}]*_[\p{L}\p{N}_]+/u.source,
  ].join('|'),
  'gu',
);
// Protected spans become one private-use character each while the rules run.
const FIRST_PLACEHOLDER = 0xe000;
const MAX_PLACEHOLDERS = 0xf8ff - FIRST_PLACEHOLDER;
const PLACEHOLDER = /[\ue000-\uf8ff]/;
const ABBREVIATION_BEFORE_DOT = /(?:^|\s)(?:etc|vs|mr|mrs|ms|dr|prof|st|no|approx|cf|fig|inc|ltd|co|jr|sr)$/i;
const DOUBLES_ALLOWED = new Set(['had', 'that']);
const MAX_DOUBLED_PASSES = 8;

export interface InlineContext {
  /** The text starts a sentence (a paragraph, a heading, a list item that is a sentence). */
  startsSentence: boolean;
  record: Record;
}

/** Proofreads one line of prose (without its Markdown prefix). */
export function proofreadInline(text: string, context: InlineContext): string {
  const kept: string[] = [];
  // A line that already uses private-use characters (icon fonts) could not be restored safely.
  if (PLACEHOLDER.test(text) || (text.match(PROTECTED)?.length ?? 0) > MAX_PLACEHOLDERS) return text;
  let prose = text.replace(PROTECTED, (span) => {
    kept.push(span);
    return String.fromCharCode(FIRST_PLACEHOLDER + kept.length - 1);
  });
  const restore = (s: string): string =>
    s.replace(/[\ue000-\uf8ff]/g, (c) => kept[c.charCodeAt(0) - FIRST_PLACEHOLDER] ?? c);
  const record: Record = (kind, before, after) => context.record(kind, restore(before), restore(after));
  const apply = (
    kind: CorrectionKind,
    pattern: RegExp,
    fix: (match: string, groups: string[], offset: number) => string,
  ): void => {
    prose = prose.replace(pattern, (match: string, ...rest: unknown[]) => {
      const offsetAt = rest.findIndex((r) => typeof r === 'number');
      const groups = rest.slice(0, offsetAt).map((g) => (typeof g === 'string' ? g : ''));
      const replaced = fix(match, groups, rest[offsetAt] as number);
      if (replaced !== match) record(kind, match, replaced);
      return replaced;
    });
  };

  apply('punctuation', /[“”„‟]/g, () => '"');
  apply('punctuation', /[‘’‚‛]/g, () => "'");
  apply('punctuation', /…/g, () => '...');
  apply('punctuation', / -{2,3} /g, () => ' — ');
  apply('spelling', /(?<![\p{L}\p{N}'])\p{L}+(?:'\p{L}+)?(?![\p{L}\p{N}])/gu, (word) => spell(word));
  // Until nothing changes, so "the the the" becomes "the" (bounded: each pass shortens the line).
  for (let pass = 0, before = ''; pass < MAX_DOUBLED_PASSES && before !== prose; pass++) {
    before = prose;
    apply('doubled-word', /(?<![\p{L}\p{N}'])(\p{L}+)\s+\1(?![\p{L}\p{N}'])/giu, (m, [word]) =>
      DOUBLES_ALLOWED.has(word.toLowerCase()) ? m : word,
    );
  }
  apply('spacing', / {2,}/g, () => ' ');
  apply('spacing', /(?<=\S) +([,;:!?]+|\.(?!\.))(?=\s|$|["')\]*_])/g, (_m, [p]) => p);
  // After the spacing fixes, which can bring punctuation together ("a , ," → "a,,").
  apply('punctuation', /([!?,;])\1+/g, (_m, [p]) => p);
  apply('punctuation', /(?<=\p{L})\.\.(?!\.)(?=\s|$)/gu, () => '.');
  apply('spacing', /(\p{L}) *([,;])(?=\p{L})/gu, (_m, [l, p]) => `${l}${p} `);
  apply('spacing', /(\p{Ll}{2})([.!?:])(?=\p{Lu}\p{Ll})/gu, (_m, [l, p]) => `${l}${p} `);
  apply(
    'capitalization',
    /(?<=^|[\s"'(*_[])i(?=$|[\s,;:!?.)"'*_\]]|'(?:m|ve|d|ll)(?!\p{L}))/gu,
    (m, _g, offset) => (isRomanNumeral(prose, offset) ? m : 'I'),
  );
  prose = capitalizeSentences(prose, context.startsSentence, record);
  return restore(prose);
}

function spell(word: string): string {
  const right = MISSPELLINGS.get(word.toLowerCase());
  if (!right) return word;
  if (right !== right.toLowerCase()) return right;
  if (word === word.toUpperCase() && word.length > 1) return right.toUpperCase();
  return /^\p{Lu}/u.test(word) ? right.charAt(0).toUpperCase() + right.slice(1) : right;
}

/** "(i)" numbers a list: left alone. */
function isRomanNumeral(text: string, offset: number): boolean {
  return text.charAt(offset - 1) === '(' && text.charAt(offset + 1) === ')';
}

/** Upper-cases the first letter of each sentence: after . ! ? and, when asked, at the start. */
function capitalizeSentences(text: string, atStart: boolean, record: Record): string {
  const starts: number[] = atStart ? [0] : [];
  for (const end of text.matchAll(/(?<!\.)[.!?]["')\]*_]*\s+/g)) {
    const before = text.slice(0, end.index);
    if (end[0].startsWith('.') && (ABBREVIATION_BEFORE_DOT.test(before) || /(?:^|\s)\p{L}$/u.test(before)))
      continue;
    starts.push(end.index + end[0].length);
  }
  const fixes: { at: number; word: string; fixed: string }[] = [];
  for (const start of starts) {
    const word = /^["'(*_[]*(\p{L}[\p{L}\p{N}'-]*)/u.exec(text.slice(start));
    // A placeholder is protected text; "(i)" or "(a)" numbers a list.
    if (!word || PLACEHOLDER.test(text.charAt(start)) || /^\(\p{L}{1,4}\)/u.test(text.slice(start))) continue;
    const first = word[1];
    // "iPhone", "eBay", "npm": written that way on purpose.
    if (!/^\p{Ll}/u.test(first) || /\p{Lu}/u.test(first.slice(1)) || KEEP_LOWER.has(first)) continue;
    fixes.push({
      at: start + word[0].length - first.length,
      word: first,
      fixed: first.charAt(0).toUpperCase() + first.slice(1),
    });
  }
  let out = text;
  for (const fix of fixes) record('capitalization', fix.word, fix.fixed);
  // From the end, so an upper case of another length ("ß" → "SS") does not move later offsets.
  for (const fix of [...fixes].reverse())
    out = out.slice(0, fix.at) + fix.fixed + out.slice(fix.at + fix.word.length);
  return out;
}

const KEEP_LOWER = new Set(['npm', 'pnpm', 'npx', 'git', 'jq', 'curl', 'ssh']);
