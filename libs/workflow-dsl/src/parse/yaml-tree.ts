import {
  Composer,
  CST,
  Lexer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  YAMLParseError,
  type Document,
  type Node,
} from 'yaml';
import { MAX_ALIASES, MAX_DEPTH, MAX_ITEMS_PER_LIST, MAX_KEYS_PER_MAP, MAX_NODES } from '../limits';
import type { Issues } from './issues';
import { checkYamlBounds, type BoundCrossed } from './yaml-bounds';

/**
 * The document as a small tree of maps, lists and scalars, each with its source offset. The
 * validator reads this instead of plain JS so every issue can point at its node; aliases are
 * expanded here under a node budget, so an alias bomb costs nothing.
 */
export type YNode = MapNode | SeqNode | ScalarNode;
export interface MapNode {
  kind: 'map';
  offset: number;
  entries: MapEntry[];
}
export interface MapEntry {
  key: string;
  keyOffset: number;
  value: YNode;
}
export interface SeqNode {
  kind: 'seq';
  offset: number;
  items: YNode[];
}
export type ScalarValue = string | number | boolean | null;
export interface ScalarNode {
  kind: 'scalar';
  offset: number;
  /** Where the scalar's source text ends (quotes and block headers included). */
  end: number;
  value: ScalarValue;
}

export interface ParsedSource {
  root: YNode | undefined;
  lineCounter: LineCounter;
}

/**
 * Parses YAML (or JSON, which is YAML) into a YNode tree; syntax errors and limits go to `issues`.
 * The steps of the `yaml` package's `parseDocument`, with the syntax tree measured in between
 * (see checkYamlBounds) and duplicate keys found with a set instead of pairwise.
 */
export function readYaml(source: string, issues: Issues): ParsedSource {
  const lineCounter = new LineCounter();
  const { tokens, crossed } = lexAndParse(source, lineCounter);
  if (crossed !== undefined) {
    issues.add(
      'TOO_LARGE',
      `the definition is too large: ${crossed.message}`,
      crossed.path,
      crossed.offset,
      crossed.hint,
    );
    return { root: undefined, lineCounter };
  }
  // The package's own alias guard (maxAliasCount) applies to toJS, which is never called: the
  // TreeBuilder expands aliases itself, under MAX_ALIASES and MAX_NODES.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, schema: 'core' });
  const docs = [...composer.compose(tokens, true, source.length)];
  const doc = docs[0];
  const errors = [...doc.errors];
  if (docs.length > 1)
    errors.push(
      new YAMLParseError(
        [docs[1].range[0], docs[1].range[1]],
        'MULTIPLE_DOCS',
        'Source contains multiple documents',
      ),
    );
  for (const error of errors) {
    issues.add('YAML_SYNTAX', firstLine(error.message), '', error.pos[0], yamlHint(error.code));
  }
  if (errors.length > 0) return { root: undefined, lineCounter };
  const builder = new TreeBuilder(doc, issues);
  const root = doc.contents === null ? undefined : builder.build(doc.contents, 0, '');
  return { root, lineCounter };
}

/**
 * `Parser.parse`, with the lexer's tokens watched on the way: the parser's time grows faster
 * than linearly with flow nesting (100,000 `[` take seconds), so nesting past MAX_DEPTH stops
 * it at the first bracket too many. The syntax tree is then measured whole (checkYamlBounds).
 */
function lexAndParse(
  source: string,
  lineCounter: LineCounter,
): { tokens: CST.Token[]; crossed?: BoundCrossed } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let flowDepth = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(source)) {
    // After the scalar marker comes a scalar's text, never a bracket.
    if (!scalarNext && (lexeme === '[' || lexeme === '{') && ++flowDepth > MAX_DEPTH) {
      const message = `nested more than ${MAX_DEPTH} levels deep`;
      return { tokens, crossed: { message, offset: parser.offset, path: '', hint: 'flatten the structure' } };
    }
    if (!scalarNext && (lexeme === ']' || lexeme === '}')) flowDepth = Math.max(0, flowDepth - 1);
    scalarNext = lexeme === CST.SCALAR;
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens, crossed: checkYamlBounds(tokens) };
}

function firstLine(message: string): string {
  const index = message.indexOf('\n');
  const line = index === -1 ? message : message.slice(0, index);
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'remove or rename one of the two keys';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  if (code === 'MULTIPLE_DOCS') return 'a definition is one YAML document; remove the extra "---"';
  return undefined;
}

class TreeBuilder {
  private nodes = 0;
  private aliases = 0;
  private reported = new Set<string>();

  constructor(
    private readonly doc: Document,
    private readonly issues: Issues,
  ) {}

  build(node: Node, depth: number, path: string): YNode {
    const offset = node.range?.[0] ?? 0;
    if (++this.nodes > MAX_NODES)
      return this.tooLarge('nodes', `more than ${MAX_NODES} values (after expanding aliases)`, path, offset);
    if (depth > MAX_DEPTH)
      return this.tooLarge('depth', `nested more than ${MAX_DEPTH} levels deep`, path, offset);
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIASES)
        return this.tooLarge('aliases', `more than ${MAX_ALIASES} aliases`, path, offset);
      const target = node.resolve(this.doc);
      if (target === undefined)
        return { kind: 'scalar', offset, end: node.range?.[1] ?? offset, value: null };
      return this.build(target, depth + 1, path);
    }
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (entries.length >= MAX_KEYS_PER_MAP) {
          this.tooLarge('keys', `a map has more than ${MAX_KEYS_PER_MAP} keys`, path, offset);
          break;
        }
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyOffset = keyNode?.range?.[0] ?? offset;
        const resolvedKey = keyNode !== null && isAlias(keyNode) ? keyNode.resolve(this.doc) : keyNode;
        if (resolvedKey !== null && resolvedKey !== undefined && !isScalar(resolvedKey)) {
          this.issues.add('INVALID_VALUE', 'keys must be plain strings', path, keyOffset);
          continue;
        }
        const key = resolvedKey === null || resolvedKey === undefined ? '' : scalarText(resolvedKey.value);
        const childPath = path === '' ? key : `${path}.${key}`;
        if (seen.has(key)) {
          this.issues.add(
            'YAML_SYNTAX',
            `Map keys must be unique; "${key}" is written twice`,
            childPath,
            keyOffset,
            'remove or rename one of the two keys',
          );
          continue;
        }
        seen.add(key);
        const valueNode = pair.value as Node | null;
        const value: YNode =
          valueNode === null
            ? { kind: 'scalar', offset: keyOffset, end: keyOffset, value: null }
            : this.build(valueNode, depth + 1, childPath);
        entries.push({ key, keyOffset, value });
      }
      return { kind: 'map', offset, entries };
    }
    if (isSeq(node)) {
      const items: YNode[] = [];
      for (const item of node.items) {
        if (items.length >= MAX_ITEMS_PER_LIST) {
          this.tooLarge('items', `a list has more than ${MAX_ITEMS_PER_LIST} items`, path, offset);
          break;
        }
        const itemPath = `${path}[${items.length}]`;
        items.push(
          item === null
            ? { kind: 'scalar', offset, end: offset, value: null }
            : this.build(item as Node, depth + 1, itemPath),
        );
      }
      return { kind: 'seq', offset, items };
    }
    if (isScalar(node))
      return { kind: 'scalar', offset, end: node.range?.[1] ?? offset, value: scalarValue(node.value) };
    return { kind: 'scalar', offset, end: offset, value: null };
  }

  /** Reports each kind of limit once, and stands in a null for what was cut. */
  private tooLarge(kind: string, message: string, path: string, offset: number): ScalarNode {
    if (!this.reported.has(kind)) {
      this.reported.add(kind);
      this.issues.add('TOO_LARGE', `the definition is too large: ${message}`, path, offset);
    }
    return { kind: 'scalar', offset, end: offset, value: null };
  }
}

function scalarValue(value: unknown): ScalarValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return '';
}
