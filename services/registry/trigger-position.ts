import { LineCounter, parseDocument } from 'yaml';

/** Where the `index`th trigger is written: `trigger` (one) or `triggers[i]` (a list), as the parser reads them. */
export function triggerPath(source: string, index: number): { text: string; parts: (string | number)[] } {
  try {
    if (parseDocument(source).has('triggers'))
      return { text: `triggers[${index}]`, parts: ['triggers', index] };
  } catch {
    // Positions are a help; an issue stands without them.
  }
  return { text: 'trigger', parts: ['trigger'] };
}

/** Line and column of the value at `path` in the source (YAML, or JSON read as YAML). */
export function positionOf(source: string, path: (string | number)[]): { line?: number; column?: number } {
  try {
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter });
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) return {};
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  } catch {
    return {};
  }
}
