/**
 * Workflow templates put an instruction before the material ("Summarize this research: …",
 * "Create a competitive analysis report based on:\n…"). Agents split it off so they work on the
 * material and can read the instruction for hints (the kind of report asked for).
 */
export interface Instructed {
  instruction?: string;
  body: string;
}

const POLITE = /^(?:please\s+|(?:can|could|would)\s+you\s+(?:please\s+)?|i\s+(?:need|want)\s+you\s+to\s+)/i;
const MAX_INSTRUCTION_WORDS = 12;

/** `verbs` lists the words an instruction of this agent starts with (lower case). */
export function splitInstruction(text: string, verbs: ReadonlySet<string>): Instructed {
  const trimmed = text.trimStart();
  const firstLine = trimmed.split('\n', 1)[0];
  const colon = firstLine.indexOf(':');
  if (colon < 0) return { body: text.trim() };
  const head = firstLine.slice(0, colon).trim();
  // "https://…" or "10:30" are not instructions.
  if (/^\S*$/.test(head) && !verbs.has(head.toLowerCase())) return { body: text.trim() };
  const words = head.replace(POLITE, '').split(/\s+/);
  if (words.length > MAX_INSTRUCTION_WORDS || !verbs.has(words[0].toLowerCase()))
    return { body: text.trim() };
  return { instruction: head, body: trimmed.slice(colon + 1).trim() };
}
