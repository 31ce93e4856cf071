import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';

/**
 * `agents.yaml`: directory entries, as a list (`- address: research@` …), as a map keyed by
 * address (`research@: {kind: openai, …}`), either of them under `agents:`. Each entry keeps its
 * nodes, so a problem the server reports for a field (`config.baseUrl`) is shown at its line.
 */
export interface Position {
  line: number;
  column: number;
}

export interface AgentFileEntry {
  address: string;
  /** The entry without its address: the body of `PUT /v1/agents/:address`. */
  body: Record<string, unknown>;
  at: Position;
  /** Where a field path of the entry (`config.baseUrl`, `allowedWorkflows[1]`) is written; its nearest written parent when absent. */
  locate(field: string): Position;
}

export interface AgentFileProblem extends Partial<Position> {
  message: string;
}

const MAX_ALIASES = 50;

export function readAgentsFile(text: string): { entries: AgentFileEntry[]; problems: AgentFileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const pos = (node: Node | null | undefined): Position => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  const problems: AgentFileProblem[] = doc.errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { line, column: col, message: e.message.split('\n')[0] ?? e.message };
  });
  if (problems.length > 0) return { entries: [], problems };

  let root = doc.contents as Node | null;
  if (
    isMap(root) &&
    root.items.length === 1 &&
    isScalar(root.items[0]?.key) &&
    root.items[0]?.key.value === 'agents'
  ) {
    root = root.items[0].value as Node | null;
  }
  const entries: AgentFileEntry[] = [];
  const add = (address: string, node: Node, at: Node): void => {
    if (!isMap(node)) {
      problems.push({
        ...pos(node),
        message: `${address}: an entry is a map (kind, config, description, allowedWorkflows, concurrency)`,
      });
      return;
    }
    if (entries.some((e) => e.address === address.trim().toLowerCase())) {
      problems.push({ ...pos(at), message: `${address} is listed twice` });
      return;
    }
    const body = node.toJS(doc, { maxAliasCount: MAX_ALIASES }) as Record<string, unknown>;
    delete body.address;
    entries.push({
      address: address.trim().toLowerCase(),
      body,
      at: pos(at),
      locate: (field) => pos(locate(node, field)),
    });
  };

  if (isSeq(root)) {
    for (const item of root.items as Node[]) {
      const addressNode = isMap(item) ? (item.get('address', true) as Node | undefined) : undefined;
      if (!isMap(item) || !isScalar(addressNode) || typeof addressNode.value !== 'string') {
        problems.push({
          ...pos(item),
          message: 'each entry of the list needs an address (address: research@)',
        });
        continue;
      }
      add(addressNode.value, item, addressNode);
    }
  } else if (isMap(root)) {
    for (const pair of root.items as Pair<Node, Node>[]) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
        problems.push({ ...pos(pair.key), message: 'each key of the map is an agent address (research@:)' });
        continue;
      }
      add(pair.key.value, pair.value as Node, pair.key);
    }
  } else {
    problems.push({
      ...pos(root),
      message: 'expected a list of agents (- address: research@ …) or a map of address → entry',
    });
  }
  return { entries, problems };
}

/** The node a field path names, or the deepest node of it that exists. */
function locate(entry: Node, field: string): Node {
  const segments = field.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  let node: Node = entry;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment) as
        Pair<Node, Node> | undefined;
      if (!pair) return node;
      node = (pair.value ?? pair.key) as Node;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
