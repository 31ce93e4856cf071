/**
 * Reads Markdown into the blocks the text agents work on. Only what prose needs: headings,
 * paragraphs, list items, quotes; code, tables and rules are kept apart so no sentence is taken
 * from them.
 */
export type BlockKind = 'heading' | 'paragraph' | 'item' | 'quote' | 'code' | 'table' | 'rule';

export interface Block {
  kind: BlockKind;
  /** Inline Markdown removed, lines joined; code blocks keep their text as written. */
  text: string;
  /** Heading level (1–6); 0 for other blocks. */
  level: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const RULE = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$/;
const TABLE = /^\s*\|.*\|\s*$/;

export function readBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let kind: BlockKind = 'paragraph';
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind, text: inlineText(paragraph.join(' ')), level: 0 });
    paragraph = [];
    kind = 'paragraph';
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) code.push(lines[i]);
      blocks.push({ kind: 'code', text: code.join('\n'), level: 0 });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', text: inlineText(heading[2]), level: heading[1].length });
      continue;
    }
    if (RULE.test(line) || TABLE.test(line)) {
      flush();
      blocks.push({ kind: RULE.test(line) ? 'rule' : 'table', text: line.trim(), level: 0 });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      flush();
      kind = 'item';
      paragraph.push(item[1]);
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      if (kind !== 'quote') flush();
      kind = 'quote';
      paragraph.push(quote[1]);
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks.filter((b) => b.kind === 'code' || b.text !== '');
}

/** Emphasis, code spans, links and tags removed; the words stay. */
export function inlineText(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}
