import { pickSentences } from './summarize';
import { BUSINESS_LENSES, GENERAL_LENSES, Lens, Perspective } from './research-lenses';
import { splitInstruction } from './text/instruction';
import { KeyTerm, keyTerms } from './text/key-terms';
import { Block, readBlocks } from './text/markdown';
import { splitSentences } from './text/sentences';
import { namedSubject, stripDeterminer } from './text/subject';
import { asSentence, ScoredSentence, scoreSentences } from './text/sentence-scores';
import { REQUEST_WORDS, STOPWORDS } from './text/stopwords';
import { capitalize, contentKeys, wordSet } from './text/words';

/** The first line of every brief: the reader must know no research was done. */
export const RESEARCH_STAND_IN_NOTICE =
  'Offline research stand-in: no web search was done. Bind research@ to a model (see README, "Agents") for real research.';

const RESEARCH_VERBS =
  wordSet(`research investigate find look explore study analyze analyse examine compare map
  identify assess evaluate review describe tell give brief`);
const LEADING_ASK =
  /^(?:(?:please|kindly)\s+)?(?:(?:can|could|would)\s+you\s+)?(?:(?:research|investigate|analy[sz]e|examine|explore|study|assess|evaluate|review|describe|identify|compare|map|summari[sz]e)|(?:look|dig)\s+into|find\s+out\s+about|tell\s+me\s+about|give\s+me\s+(?:an?\s+)?(?:overview|summary|brief)\s+of)\s+/i;
const GENERIC_KEYS = new Set(BUSINESS_LENSES.flatMap((l) => l.triggers));
const MAX_TOPIC_WORDS = 14;
const TOPIC_WINDOW = 600;
const MAX_QUOTED = 200;

/**
 * A research brief for the request: what is asked, its key terms, the questions to answer and
 * the areas to investigate, chosen from the words of the request. No facts are invented.
 */
export function researchBrief(text: string): string {
  const { instruction, body } = splitInstruction(text, RESEARCH_VERBS);
  const request = body === '' ? (instruction ?? '') : body;
  const whole = instruction ? `${instruction}: ${request}` : request;
  const terms = keyTerms(whole, { limit: 8, exclude: REQUEST_WORDS });
  const blocks = readBlocks(request);
  const sentences = scoreSentences(blocks);
  // The request's terms in reading order, the instruction's first ("Research competitors for:").
  const mentions = firstMentions([
    ...contentKeys(instruction ?? ''),
    ...sentences.flatMap((s) => [...s.keys]),
  ]);
  const topic = topicOf(blocks, terms);
  const subject = subjectOf(whole, terms, topic);
  const business = BUSINESS_LENSES.some((lens) => firstMention(lens, mentions) !== undefined);
  const lenses = business ? businessLenses(mentions) : GENERAL_LENSES;
  const view: Perspective = /\b(?:our|we|us|my)\b/i.test(whole)
    ? { rivalsOf: 'us', challenger: 'we' }
    : { rivalsOf: 'one another', challenger: 'a newcomer' };

  const angle = angleOf(lenses, mentions, business);
  const asked = sentences.filter((s) => s.text.endsWith('?')).map((s) => s.text);
  const questions = [...asked, ...lenses.map((l) => l.question(subject, view))].slice(
    0,
    Math.max(5, asked.length),
  );
  const lines = [
    RESEARCH_STAND_IN_NOTICE,
    '',
    `# Research brief: ${capitalize(topic)}`,
    '',
    `This brief frames a ${angle.base} of ${subject}: ${listed(lenses.map((l) => l.focus))}.`,
    `It lists ${questions.length} questions to answer, what to collect for each area and where to look.`,
    '',
    '## Topic',
    '',
    `- Request: ${capitalize(quoted(blocks.map((b) => (b.kind === 'heading' ? asSentence(b.text) : b.text)).join(' ')))}`,
    `- Subject: ${subject}`,
    `- Angle: ${angle.focus.length === 0 ? angle.base : `${angle.base}, with a focus on ${listed(angle.focus)}`}`,
    '',
    '## Key terms',
    '',
    ...terms.map((t) => `- ${t.text}${t.count > 1 ? ` (${t.count} mentions)` : ''}`),
    '',
    ...notesFrom(sentences),
    '## Questions to answer',
    '',
    ...questions.map((q, i) => `${i + 1}. ${q}`),
    '',
    '## Areas to investigate',
    '',
    ...lenses.flatMap((lens) => [`### ${lens.name}`, '', ...lens.tasks(subject).map((t) => `- ${t}`), '']),
    '## Suggested sources',
    '',
    '| Area | Where to look |',
    '| --- | --- |',
    ...lenses.map((lens) => `| ${lens.name} | ${lens.source} |`),
  ];
  return lines.join('\n');
}

/** The request's heading or first sentence without the ask ("Analyze our …"); when long, its key terms. */
function topicOf(blocks: readonly Block[], terms: readonly KeyTerm[]): string {
  const opening = blocks.find((b) => b.kind !== 'code' && b.kind !== 'rule' && b.kind !== 'table');
  // The first sentence is all that is needed; a long request is not split whole for it.
  const first =
    opening?.kind === 'heading'
      ? opening.text
      : (splitSentences(opening?.text.slice(0, TOPIC_WINDOW) ?? '')[0] ?? '');
  const topic = stripDeterminer(first.replace(/[.!?:]+$/, '').replace(LEADING_ASK, '')).trim();
  if (topic !== '' && topic.split(/\s+/).length <= MAX_TOPIC_WORDS) return topic;
  return (
    terms
      .slice(0, 3)
      .map((t) => t.text)
      .join(', ') || 'the request'
  );
}

/** What the research is about: "CRM" in "in the CRM space", else the most specific key term. */
function subjectOf(text: string, terms: readonly KeyTerm[], topic: string): string {
  const named = namedSubject(text);
  if (named) return named;
  const specific = terms.find((t) => !t.key.split(' ').every((k) => GENERIC_KEYS.has(k) || STOPWORDS.has(k)));
  return specific?.text ?? topic;
}

/** Where each term first appears, in reading order. */
function firstMentions(keys: readonly string[]): Map<string, number> {
  const mentions = new Map<string, number>();
  keys.forEach((key, at) => {
    if (!mentions.has(key)) mentions.set(key, at);
  });
  return mentions;
}

function firstMention(lens: Lens, mentions: ReadonlyMap<string, number>): number | undefined {
  let first: number | undefined;
  for (const trigger of lens.triggers) {
    const at = mentions.get(trigger);
    if (at !== undefined && (first === undefined || at < first)) first = at;
  }
  return first;
}

/** The lenses the request names, in the order it names them, then the core lenses it did not. */
function businessLenses(mentions: ReadonlyMap<string, number>): Lens[] {
  return BUSINESS_LENSES.map((lens, order) => ({ lens, order, at: firstMention(lens, mentions) }))
    .filter((x) => x.lens.core || x.at !== undefined)
    .sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity) || a.order - b.order)
    .map((x) => x.lens);
}

function angleOf(
  lenses: readonly Lens[],
  mentions: ReadonlyMap<string, number>,
  business: boolean,
): { base: string; focus: string[] } {
  if (!business) return { base: 'background study', focus: [] };
  const players = BUSINESS_LENSES.find((l) => l.name === 'Players');
  const base =
    players && firstMention(players, mentions) !== undefined ? 'competitive analysis' : 'market analysis';
  return { base, focus: lenses.filter((l) => !l.core).map((l) => l.name.toLowerCase()) };
}

function listed(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A long request carries material: keep its strongest sentences for the researcher. */
function notesFrom(sentences: readonly ScoredSentence[]): string[] {
  if (sentences.length < 4) return [];
  const notes = pickSentences(sentences, { maxSentences: 3, maxChars: 600 });
  return ['## Notes from the request', '', ...notes.map((s) => `- ${s.text}`), ''];
}

/** The request as one line; a long one is cut at a word, since the notes carry its substance. */
function quoted(request: string): string {
  const line = oneLine(request.slice(0, MAX_QUOTED * 2));
  if (line.length <= MAX_QUOTED) return line;
  return `${line.slice(0, MAX_QUOTED).replace(/\s+\S*$/, '')}...`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
