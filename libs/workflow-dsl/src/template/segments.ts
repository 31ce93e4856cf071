import { TemplateError } from './template-error';

export type Segment =
  | { kind: 'text'; value: string }
  /** `offset` is the position of `{{` in the template, `end` the position after `}}`. */
  | { kind: 'expr'; source: string; offset: number; end: number };

/**
 * Splits a template into literal text and `{{ expr }}` parts. The closing `}}` is searched
 * outside string literals and object-literal braces, so `{{ x == '}}' }}` and
 * `{{ {a: 1}.a }}` work.
 */
export function splitTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    if (open === -1) break;
    if (open > pos) segments.push({ kind: 'text', value: text.slice(pos, open) });
    const close = findClose(text, open + 2);
    if (close === -1) throw new TemplateError('"{{" is never closed by "}}"', open);
    const source = text.slice(open + 2, close);
    if (source.trim().length === 0) throw new TemplateError('empty expression "{{ }}"', open, source);
    segments.push({ kind: 'expr', source, offset: open, end: close + 2 });
    pos = close + 2;
  }
  if (pos < text.length) segments.push({ kind: 'text', value: text.slice(pos) });
  return segments;
}

/** Index of the `}}` closing an expression that starts at `from`, or -1. */
function findClose(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote !== '') {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth > 0) depth--;
      else if (text[i + 1] === '}') return i;
    }
  }
  return -1;
}
