/**
 * Step ids may contain hyphens (`fan-out`, `human-review`), which jexl would read as
 * subtraction. Before compiling, a hyphenated identifier chain that names a known step is
 * rewritten to `steps["human-review"]`:
 *
 * - bare: `human-review.output` → `steps["human-review"].output` when `human-review` is a step id
 *   (the longest hyphenated prefix that is a step id wins; `a-b - c` stays arithmetic otherwise);
 * - after `steps.`: `steps.human-review.output` → `steps["human-review"].output`, and when no
 *   prefix is a known step id the whole chain is taken as the id.
 *
 * Everything inside string literals and after a non-`steps` `.` (a property) is left alone.
 */

export interface HyphenChain {
  /** Where the rewrite starts: the chain itself, or the `steps` before `steps.` */
  start: number;
  /** Offset of the chain's first identifier. */
  chainStart: number;
  parts: string[];
  afterSteps: boolean;
}

const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$');
const isIdentChar = (c: string | undefined): boolean =>
  isIdentStart(c) || (c !== undefined && c >= '0' && c <= '9');

/** Every hyphenated identifier chain in an expression that could be a step reference. */
export function findHyphenChains(source: string): HyphenChain[] {
  const chains: HyphenChain[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' || ch === "'") {
      i = skipString(source, i);
      continue;
    }
    if (!isIdentStart(ch) || isIdentChar(source[i - 1])) {
      i++;
      continue;
    }
    const parts: string[] = [];
    let j = i;
    for (;;) {
      const partStart = j;
      while (isIdentChar(source[j])) j++;
      parts.push(source.slice(partStart, j));
      if (source[j] === '-' && isIdentChar(source[j + 1])) j++;
      else break;
    }
    if (parts.length >= 2) {
      const context = precedingContext(source, i);
      if (context.kind === 'root') chains.push({ start: i, chainStart: i, parts, afterSteps: false });
      else if (context.kind === 'steps')
        chains.push({ start: context.stepsStart, chainStart: i, parts, afterSteps: true });
    }
    i = j;
  }
  return chains;
}

/** The candidate step ids a chain could name: each hyphenated prefix of two parts or more. */
export function chainCandidates(chain: HyphenChain): string[] {
  const out: string[] = [];
  for (let k = 2; k <= chain.parts.length; k++) out.push(chain.parts.slice(0, k).join('-'));
  return out;
}

/** Rewrites the chains of `source` that name a step (see the module comment). */
export function rewriteStepChains(
  source: string,
  chains: HyphenChain[],
  isStep: (id: string) => boolean,
): string {
  let out = '';
  let pos = 0;
  for (const chain of chains) {
    let prefixParts = 0;
    for (let k = chain.parts.length; k >= 2; k--) {
      if (isStep(chain.parts.slice(0, k).join('-'))) {
        prefixParts = k;
        break;
      }
    }
    if (prefixParts === 0 && chain.afterSteps) prefixParts = chain.parts.length;
    if (prefixParts === 0) continue;
    const id = chain.parts.slice(0, prefixParts).join('-');
    const end = chain.chainStart + id.length;
    out += source.slice(pos, chain.start) + `steps[${JSON.stringify(id)}]`;
    pos = end;
  }
  return out + source.slice(pos);
}

type Context = { kind: 'root' } | { kind: 'steps'; stepsStart: number } | { kind: 'property' };

/** Whether the identifier at `i` is a root name, the id after `steps.`, or some property. */
function precedingContext(source: string, i: number): Context {
  let k = i - 1;
  while (k >= 0 && isSpace(source[k])) k--;
  if (source[k] !== '.') return { kind: 'root' };
  k--;
  while (k >= 0 && isSpace(source[k])) k--;
  const end = k + 1;
  while (k >= 0 && isIdentChar(source[k])) k--;
  const start = k + 1;
  if (source.slice(start, end) !== 'steps') return { kind: 'property' };
  let before = k;
  while (before >= 0 && isSpace(source[before])) before--;
  if (before >= 0 && (source[before] === '.' || isIdentChar(source[before]))) return { kind: 'property' };
  return { kind: 'steps', stepsStart: start };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i + 1;
  }
  return source.length;
}
