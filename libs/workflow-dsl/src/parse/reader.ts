import { parseDuration } from '../duration';
import { didYouMean, type Issues } from './issues';
import type { MapEntry, MapNode, ScalarNode, SeqNode, YNode } from './yaml-tree';

/** `a` + `b` → `a.b`; the root path is ''. */
export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Entries of a map by key, after reporting keys outside `allowed`. */
export type Fields = Map<string, MapEntry>;

/**
 * Typed reads of tree nodes. Each read reports what is wrong with the node (at its offset) and
 * returns undefined, so parsing goes on and every issue of a document is reported at once.
 */
export class Reader {
  constructor(readonly issues: Issues) {}

  map(node: YNode, path: string, what: string): MapNode | undefined {
    if (node.kind === 'map') return node;
    this.issues.add('INVALID_VALUE', `${what} must be a map, not ${describe(node)}`, path, node.offset);
    return undefined;
  }

  seq(node: YNode, path: string, what: string): SeqNode | undefined {
    if (node.kind === 'seq') return node;
    this.issues.add('INVALID_VALUE', `${what} must be a list, not ${describe(node)}`, path, node.offset);
    return undefined;
  }

  /** The map's entries; unknown keys are reported with a "did you mean" when one is close. */
  fields(
    map: MapNode,
    path: string,
    allowed: readonly string[],
    where: string,
    misplaced?: Record<string, string>,
  ): Fields {
    const out: Fields = new Map();
    for (const entry of map.entries) {
      if (allowed.includes(entry.key)) {
        out.set(entry.key, entry);
        continue;
      }
      // Past the cap nothing more is kept: skip the "did you mean" search (thousands of keys).
      if (this.issues.full) continue;
      const elsewhere = misplaced?.[entry.key];
      const hint = elsewhere ?? didYouMean(entry.key, allowed) ?? `allowed keys: ${allowed.join(', ')}`;
      this.issues.add(
        'UNKNOWN_KEY',
        `unknown key "${entry.key}" in ${where}`,
        childPath(path, entry.key),
        entry.keyOffset,
        hint,
      );
    }
    return out;
  }

  required(
    fields: Fields,
    key: string,
    map: MapNode,
    path: string,
    where: string,
    hint?: string,
  ): MapEntry | undefined {
    const entry = fields.get(key);
    if (entry === undefined)
      this.issues.add('MISSING_KEY', `${where} needs "${key}"`, path, map.offset, hint);
    return entry;
  }

  /** A string; numbers and booleans are refused (use `text` for free text). */
  string(node: YNode, path: string, what: string): string | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
    this.issues.add('INVALID_VALUE', `${what} must be a string, not ${describe(node)}`, path, node.offset);
    return undefined;
  }

  /** Free text or a template: numbers and booleans are taken as their text. */
  text(node: YNode, path: string, what: string): string | undefined {
    if (node.kind === 'scalar' && node.value !== null) return String(node.value);
    this.issues.add('INVALID_VALUE', `${what} must be text, not ${describe(node)}`, path, node.offset);
    return undefined;
  }

  boolean(node: YNode, path: string, what: string): boolean | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
    this.issues.add(
      'INVALID_VALUE',
      `${what} must be true or false, not ${describe(node)}`,
      path,
      node.offset,
    );
    return undefined;
  }

  integer(node: YNode, path: string, what: string, min: number, max: number): number | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value)) {
      if (node.value >= min && node.value <= max) return node.value;
    }
    this.issues.add(
      'INVALID_VALUE',
      `${what} must be a whole number from ${min} to ${max}, not ${describe(node)}`,
      path,
      node.offset,
    );
    return undefined;
  }

  /**
   * One of `choices`. The seed's format sketch writes the choices themselves (`email | webhook |
   * both`): such a placeholder is taken as its first choice, with a warning.
   */
  choice<T extends string>(node: YNode, path: string, what: string, choices: readonly T[]): T | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'string') {
      const value = node.value.trim();
      if ((choices as readonly string[]).includes(value)) return value as T;
      const placeholder = placeholderChoices(value, choices);
      if (placeholder !== undefined) {
        this.issues.warn(
          'INVALID_VALUE',
          `${what} "${value}" lists the choices; taking the first, "${placeholder[0]}"`,
          path,
          node.offset,
          `write one of: ${choices.join(', ')}`,
        );
        return placeholder[0];
      }
      const hint = didYouMean(value, choices) ?? `one of: ${choices.join(', ')}`;
      this.issues.add(
        'INVALID_VALUE',
        `${what} "${value}" is not one of ${choices.join(', ')}`,
        path,
        node.offset,
        hint,
      );
      return undefined;
    }
    this.issues.add(
      'INVALID_VALUE',
      `${what} must be one of ${choices.join(', ')}, not ${describe(node)}`,
      path,
      node.offset,
    );
    return undefined;
  }

  /** `30s`, `5m`, `24h`, `1h30m`, `500ms` → ms; must be positive and at most `maxMs`. */
  duration(node: YNode, path: string, what: string, maxMs = 366 * 86_400_000): number | undefined {
    const hint = 'write a number with a unit: 500ms, 30s, 5m, 24h, 1h30m, 2d';
    if (node.kind !== 'scalar' || typeof node.value !== 'string') {
      this.issues.add(
        'BAD_DURATION',
        `${what} must be a duration such as 30s, not ${describe(node)}`,
        path,
        node.offset,
        hint,
      );
      return undefined;
    }
    const ms = parseDuration(node.value);
    if (ms === undefined) {
      this.issues.add('BAD_DURATION', `${what} "${node.value}" is not a duration`, path, node.offset, hint);
      return undefined;
    }
    if (ms <= 0 || ms > maxMs) {
      this.issues.add(
        'BAD_DURATION',
        `${what} "${node.value}" must be more than 0 and at most ${Math.round(maxMs / 86_400_000)}d`,
        path,
        node.offset,
      );
      return undefined;
    }
    return ms;
  }
}

/** The choices named by `a | b | c` when every part is a valid choice, else undefined. */
export function placeholderChoices<T extends string>(value: string, choices: readonly T[]): T[] | undefined {
  if (!value.includes('|')) return undefined;
  const parts = value.split('|').map((part) => part.trim());
  if (parts.length < 2 || !parts.every((part) => (choices as readonly string[]).includes(part)))
    return undefined;
  return parts as T[];
}

/** A node as plain data (maps become plain objects, in order). */
export function toPlain(node: YNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const entry of node.entries) {
    // defineProperty: a `__proto__` key stays an ordinary key instead of replacing the prototype
    Object.defineProperty(out, entry.key, {
      value: toPlain(entry.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function describe(node: YNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  return describeScalar(node);
}

function describeScalar(node: ScalarNode): string {
  if (node.value === null) return 'nothing';
  if (typeof node.value === 'string')
    return `the text "${node.value.length > 40 ? node.value.slice(0, 40) + '…' : node.value}"`;
  return `${typeof node.value} ${String(node.value)}`;
}
