import { Correction, CorrectionKind, proofreadInline } from './proofread-inline';

export type { Correction, CorrectionKind } from './proofread-inline';

export interface Proofread {
  text: string;
  corrections: Correction[];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const INDENTED_CODE = /^(?: {4}|\t)/;
const HTML_BLOCK = /^\s{0,3}<(?:[A-Za-z/!?])/;
const TABLE_ROW = /^\s*\|/;
const RULE = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$/;
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s/;
// Indentation, quote markers, then a heading or list marker: kept exactly as written.
const PREFIX = /^(\s*(?:>\s?)*)(#{1,6}\s+|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?/;
const ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s/;
const ENDS_SENTENCE = /[.!?…]["'”’)\]*_]*$/;

/**
 * A proofreading pass over Markdown: spelling, doubled words, spacing, capitals, punctuation
 * and trailing whitespace in prose; code blocks, tables, HTML and the Markdown markers themselves
 * are left as they are. Returns the polished text and every correction made.
 */
export function proofreadText(text: string): Proofread {
  const corrections: Correction[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let fence: string | undefined;
  let inIndentedCode = false;
  let previousBlank = true;
  let inList = false;
  let sentenceOpen = false;

  lines.forEach((line, index) => {
    const record = (kind: CorrectionKind, before: string, after: string): void => {
      corrections.push({ kind, line: index + 1, before, after });
    };
    if (fence !== undefined) {
      if (line.trimStart().startsWith(fence)) fence = undefined;
      out.push(line);
      return;
    }
    // A list ends at the first unindented line after a blank one.
    if (previousBlank && /^\S/.test(line)) inList = ITEM.test(line);
    const opening = FENCE.exec(line);
    if (opening) {
      fence = opening[1];
      out.push(line);
      previousBlank = false;
      return;
    }
    if (line.trim() === '') {
      if (line !== '') record('whitespace', line, '');
      out.push('');
      previousBlank = true;
      sentenceOpen = false;
      return;
    }
    if (INDENTED_CODE.test(line) && (inIndentedCode || (previousBlank && !inList))) {
      inIndentedCode = true;
      out.push(line);
      return;
    }
    inIndentedCode = false;
    const next = lines[index + 1];
    if (HTML_BLOCK.test(line) || TABLE_ROW.test(line) || RULE.test(line) || LINK_DEFINITION.test(line)) {
      out.push(trimEnd(line, next, record));
      previousBlank = false;
      sentenceOpen = false;
      return;
    }
    const [prefix, , marker = ''] = PREFIX.exec(line) ?? ['', '', ''];
    const isHeading = marker.startsWith('#');
    const isItem = marker !== '' && !isHeading;
    if (isItem) inList = true;
    const content = line.slice(prefix.length);
    const body = content.trimEnd();
    const startsSentence = isHeading || (isItem ? ENDS_SENTENCE.test(body) : previousBlank || !sentenceOpen);
    const fixed = proofreadInline(body, { startsSentence, record });
    const polished = trimEnd(prefix + fixed + content.slice(body.length), next, record);
    out.push(polished);
    previousBlank = false;
    sentenceOpen = !isHeading && !ENDS_SENTENCE.test(polished);
  });
  return { text: out.join(eol), corrections };
}

/** Trailing whitespace goes, except a Markdown hard line break (two spaces before a next line). */
function trimEnd(
  line: string,
  next: string | undefined,
  record: (k: CorrectionKind, b: string, a: string) => void,
): string {
  const trailing = /[ \t]+$/.exec(line)?.[0];
  if (!trailing) return line;
  const hardBreak = /^ {2,}$/.test(trailing) && next !== undefined && next.trim() !== '';
  const kept = hardBreak ? '  ' : '';
  if (trailing === kept) return line;
  record('whitespace', JSON.stringify(trailing), JSON.stringify(kept));
  return line.slice(0, line.length - trailing.length) + kept;
}
