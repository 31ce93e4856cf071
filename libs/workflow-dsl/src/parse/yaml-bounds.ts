import { CST } from 'yaml';
import { MAX_ALIASES, MAX_DEPTH, MAX_ITEMS_PER_LIST, MAX_KEYS_PER_MAP, MAX_NODES } from '../limits';

/** The first bound a document's syntax tree crosses: what, where (offset and path) and how to fix it. */
export interface BoundCrossed {
  message: string;
  offset: number;
  path: string;
  hint: string;
}

interface Pending {
  token: CST.Token;
  depth: number;
  path: string;
}

/**
 * Measures the parser's syntax tree (the `yaml` package's CST) before it is composed into a
 * document. Composing is recursive and checks duplicate keys pairwise, so a document nested
 * thousands deep or with a 40,000-key map must be refused here, in one iterative pass whose
 * work is linear in the tree's size.
 */
export function checkYamlBounds(tokens: readonly CST.Token[]): BoundCrossed | undefined {
  let nodes = 0;
  let aliases = 0;
  const stack: Pending[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) stack.push({ token: tokens[i], depth: 0, path: '' });
  while (stack.length > 0) {
    const { token, depth, path } = stack.pop() as Pending;
    switch (token.type) {
      case 'document':
        if (token.value !== undefined) stack.push({ token: token.value, depth, path });
        continue;
      case 'alias':
        if (++aliases > MAX_ALIASES)
          return crossed(
            `more than ${MAX_ALIASES} aliases (*name)`,
            token.offset,
            path,
            'write the values out',
          );
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth >= MAX_DEPTH)
          return crossed(
            `nested more than ${MAX_DEPTH} levels deep`,
            token.offset,
            path,
            'flatten the structure',
          );
        const isMap =
          token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
        const limit = isMap ? MAX_KEYS_PER_MAP : MAX_ITEMS_PER_LIST;
        if (token.items.length > limit)
          return crossed(
            isMap
              ? `a map has more than ${MAX_KEYS_PER_MAP} keys`
              : `a list has more than ${MAX_ITEMS_PER_LIST} items`,
            itemOffset(token.items[limit] as CST.CollectionItem, token.offset),
            path,
            isMap ? 'split the map or move the data out of the definition' : 'shorten the list',
          );
        // Pushed in reverse so the walk (and so the first bound reported) follows document order.
        for (let k = token.items.length - 1; k >= 0; k--) {
          const item = token.items[k] as CST.CollectionItem;
          const itemPath = isMap ? childPath(path, keyText(item.key)) : `${path}[${k}]`;
          if (item.value) stack.push({ token: item.value, depth: depth + 1, path: itemPath });
          if (item.key) stack.push({ token: item.key, depth: depth + 1, path: itemPath });
        }
        break;
      }
      default:
        break;
    }
    if (++nodes > MAX_NODES)
      return crossed(
        `more than ${MAX_NODES} values`,
        tokenOffset(token),
        path,
        'make the definition smaller',
      );
  }
  return undefined;
}

function crossed(message: string, offset: number, path: string, hint: string): BoundCrossed {
  return { message, offset, path, hint };
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A key as written, for paths; only simple scalar keys are worth naming. */
function keyText(key: CST.Token | null | undefined): string {
  if (key === null || key === undefined) return '';
  if (key.type === 'scalar' || key.type === 'single-quoted-scalar' || key.type === 'double-quoted-scalar') {
    const resolved = CST.resolveAsScalar(key, false, () => undefined);
    return resolved.value.length > 60 ? resolved.value.slice(0, 60) + '…' : resolved.value;
  }
  return '?';
}

function itemOffset(item: CST.CollectionItem, fallback: number): number {
  const token = item.key ?? item.value;
  return token ? tokenOffset(token) : fallback;
}

function tokenOffset(token: CST.Token): number {
  return 'offset' in token ? token.offset : 0;
}
