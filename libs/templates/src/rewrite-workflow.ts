import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';

/**
 * A workflow's text under another name, with agent addresses replaced (`agents`: listed address →
 * the installer's own) and trigger bindings too (`bindings`: a webhook `path` or an email
 * `address` → the installer's own, since those are unique in an installation), everything else —
 * comments included — as written. JSON comes back as YAML (JSON is YAML; the registry reads either).
 */
export function rewriteWorkflow(
  source: string,
  name: string,
  agents: Record<string, string> = {},
  bindings: Record<string, string> = {},
): string {
  const doc = parseDocument(source);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new Error(`the workflow source does not parse: ${doc.errors[0]?.message ?? 'not a map'}`);
  }
  doc.set('name', name);
  const maps: Record<string, Record<string, string>> = { agent: agents, path: bindings, address: bindings };
  if (Object.keys(agents).length + Object.keys(bindings).length > 0) {
    visit(doc, {
      Pair(_key, pair) {
        if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string') return;
        const map = Object.hasOwn(maps, pair.key.value) ? maps[pair.key.value]! : undefined;
        if (map === undefined || !isScalar(pair.value) || typeof pair.value.value !== 'string') return;
        if (Object.hasOwn(map, pair.value.value)) pair.value.value = map[pair.value.value]!;
      },
    });
  }
  return doc.toString({ lineWidth: 0 });
}
