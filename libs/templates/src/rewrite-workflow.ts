import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';

/**
 * A workflow's text under another name, with agent addresses replaced (`agents`: listed address →
 * the installer's own), everything else — comments included — as written. JSON comes back as
 * YAML (JSON is YAML; the registry reads either).
 */
export function rewriteWorkflow(source: string, name: string, agents: Record<string, string> = {}): string {
  const doc = parseDocument(source);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new Error(`the workflow source does not parse: ${doc.errors[0]?.message ?? 'not a map'}`);
  }
  doc.set('name', name);
  if (Object.keys(agents).length > 0) {
    visit(doc, {
      Pair(_key, pair) {
        if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== 'agent') return;
        if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value in agents) {
          pair.value.value = agents[pair.value.value]!;
        }
      },
    });
  }
  return doc.toString({ lineWidth: 0 });
}
