import { LineCounter, parseDocument, type Document } from 'yaml';

/**
 * The source parsed once for every position asked in the same tick: one issue per trigger
 * would otherwise parse a megabyte again for each. Dropped on the next turn of the event loop.
 */
let parsed: { source: string; document: Document; lineCounter: LineCounter } | undefined;

function documentOf(source: string): { document: Document; lineCounter: LineCounter } {
  if (parsed?.source !== source) {
    const lineCounter = new LineCounter();
    parsed = { source, document: parseDocument(source, { lineCounter, uniqueKeys: false }), lineCounter };
    setImmediate(() => (parsed = undefined));
  }
  return parsed;
}

/** Where the `index`th trigger is written: `trigger` (one) or `triggers[i]` (a list), as the parser reads them. */
export function triggerPath(source: string, index: number): { text: string; parts: (string | number)[] } {
  try {
    if (documentOf(source).document.has('triggers'))
      return { text: `triggers[${index}]`, parts: ['triggers', index] };
  } catch {
    // Positions are a help; an issue stands without them.
  }
  return { text: 'trigger', parts: ['trigger'] };
}

/** Line and column of the value at `path` in the source (YAML, or JSON read as YAML). */
export function positionOf(source: string, path: (string | number)[]): { line?: number; column?: number } {
  try {
    const { document, lineCounter } = documentOf(source);
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) return {};
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  } catch {
    return {};
  }
}
