import { RESEARCH_STAND_IN_NOTICE } from './research';
import { pickSentences } from './summarize';
import { splitInstruction } from './text/instruction';
import { KeyTerm, keyTerms } from './text/key-terms';
import { readBlocks } from './text/markdown';
import { asSentence, ScoredSentence, scoreSentences } from './text/sentence-scores';
import { namedSubject } from './text/subject';
import { REQUEST_WORDS } from './text/stopwords';
import { capitalize, wordSet } from './text/words';

const REPORT_VERBS = wordSet(
  `create write draft prepare produce make generate compose turn build compile report`,
);
const REPORT_NOUN =
  /\b(?:report|brief|memo|analysis|summary|review|overview|write-up|document|assessment|update|digest)\b/i;
const KIND =
  /\b(?:a|an|the|this|our|my)\s+(.+?)(?:\s+(?:based\s+on|from|on|about|for|of|using|covering|with)\b.*)?$/i;
// Sentences that tell someone to do something are next steps, not findings.
const ACTION_START =
  /^(?:add|analy[sz]e|answer|ask|assess|bind|build|check|collect|compare|confirm|connect|contact|create|define|describe|document|draft|estimate|evaluate|find|gather|identify|interview|investigate|list|map|measure|monitor|note|plan|prepare|prioriti[sz]e|record|research|review|run|schedule|set|summari[sz]e|survey|test|track|update|validate|verify|write)\b/i;
const ACTION_WORDS = /\b(?:should|must|needs? to|recommend(?:s|ed)?|next step)\b/i;
// Sentences about the material rather than from it ("It lists 4 questions…", "Request: …"):
// neither findings nor actions, so the report leaves them out.
const ABOUT_THE_MATERIAL =
  /^(?:(?:it|this\s+\w+|the\s+\w+)\s+(?:lists|contains|includes|counts|has)\s+\d+\b|(?:request|subject|angle|topic)\s*:)/i;
const SELF_DESCRIPTION = /^(?:this|the)\s+(?:brief|report|document|summary|note)\s+(?!is\b)\w+s\b/i;
const MAX_THEMES = 4;
const MAX_SUMMARY_SENTENCES = 2;

interface Material {
  findings: ScoredSentence[];
  questions: ScoredSentence[];
  actions: ScoredSentence[];
}

/**
 * A Markdown report of the material: a title from the request and the subject, an executive
 * summary, the findings grouped by theme, open questions, and a conclusion with next steps.
 */
export function writeReport(text: string): string {
  const { instruction, body } = splitInstruction(text, REPORT_VERBS);
  const blocks = readBlocks(body);
  const sentences = scoreSentences(blocks);
  const whole = sentences.filter((s) => !ABOUT_THE_MATERIAL.test(s.text));
  const usable = whole.some((s) => !s.fragment) ? whole.filter((s) => !s.fragment) : whole;
  // The stand-in's notice and what a brief says of itself stay in the summary, but are not what
  // the material is about.
  const terms = keyTerms(
    usable
      .map((s) => s.text)
      .filter((t) => !RESEARCH_STAND_IN_NOTICE.startsWith(t) && !SELF_DESCRIPTION.test(t))
      .join('\n'),
    { limit: 12, exclude: REQUEST_WORDS },
  );
  const subject = namedSubject(body) ?? terms[0]?.text ?? 'the material';
  const material = classify(usable);
  // The summary states what is known; questions and to-dos have their own sections.
  const summary = pickSentences(material.findings.length > 0 ? material.findings : usable, {
    maxSentences: MAX_SUMMARY_SENTENCES,
    maxChars: 400,
  });
  const inSummary = new Set(summary);
  const findings = material.findings.filter((s) => !inSummary.has(s));
  const heading = blocks.find((b) => b.kind === 'heading')?.text;

  const lines = [`# ${titleOf(instruction, subject, heading)}`, '', '## Executive summary', ''];
  const steps = nextSteps(material);
  lines.push(
    [...summary.map((s) => asSentence(s.text)), scopeSentence(findings.length, material, steps.length)].join(
      ' ',
    ),
    '',
  );
  lines.push('## Key findings', '', ...findingSections(findings, terms, subject));
  if (material.questions.length > 0) {
    lines.push(
      '## Open questions',
      '',
      ...material.questions.map((q, i) => `${i + 1}. ${asSentence(q.text)}`),
      '',
    );
  }
  lines.push('## Conclusion and next steps', '', conclusion(subject, terms, material), '');
  lines.push(...steps.map((step) => `- ${step}`));
  return lines.join('\n');
}

/** Questions, to-dos and statements each go to their own section. */
function classify(sentences: readonly ScoredSentence[]): Material {
  const material: Material = { findings: [], questions: [], actions: [] };
  for (const sentence of sentences) {
    if (sentence.text.endsWith('?')) material.questions.push(sentence);
    else if (ACTION_START.test(sentence.text) || ACTION_WORDS.test(sentence.text))
      material.actions.push(sentence);
    else material.findings.push(sentence);
  }
  return material;
}

/** "Create a competitive analysis report based on:" → "Competitive Analysis Report: CRM". */
function titleOf(instruction: string | undefined, subject: string, heading: string | undefined): string {
  const kind = instruction && REPORT_NOUN.test(instruction) ? KIND.exec(instruction)?.[1] : undefined;
  if (kind) return `${titleCase(kind)}: ${subject}`;
  return heading ?? `Report: ${subject}`;
}

function titleCase(text: string): string {
  const small = wordSet('a an and as at by for in of on or the to vs');
  return text
    .split(/\s+/)
    .map((w, i) => (i > 0 && small.has(w.toLowerCase()) ? w.toLowerCase() : capitalize(w)))
    .join(' ');
}

/** What the sections below list, counted as they list it: the summary and the sections agree. */
function scopeSentence(findings: number, material: Material, steps: number): string {
  const parts = [
    counted(findings, findings === 0 ? 'further finding' : 'finding'),
    counted(material.questions.length, 'open question'),
    counted(steps, 'next step'),
  ];
  return `Beyond this summary, it lists ${parts[0]}, ${parts[1]} and ${parts[2]}.`;
}

function counted(n: number, noun: string): string {
  return `${n === 0 ? 'no' : n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Findings under the key term they mention first; one flat list when there are few. */
function findingSections(
  findings: readonly ScoredSentence[],
  terms: readonly KeyTerm[],
  subject: string,
): string[] {
  if (findings.length === 0) return ['- The material states no findings beyond the summary above.', ''];
  const bullets = (list: readonly ScoredSentence[]): string[] => [
    ...list.map((s) => `- ${asSentence(s.text)}`),
    '',
  ];
  const byHeading = groupBy(findings, (s) => s.heading);
  if (byHeading.size > 1 && !byHeading.has(undefined)) {
    return [...byHeading].flatMap(([heading, list]) => [`### ${heading}`, '', ...bullets(list)]);
  }
  if (findings.length <= 3) return bullets(findings);
  const subjectKeys = new Set(subject.toLowerCase().split(/\s+/));
  const themes = terms
    .filter((t) => !t.key.split(' ').every((k) => subjectKeys.has(k)))
    .filter((t) => findings.filter((s) => mentions(s, t)).length >= 2)
    .slice(0, MAX_THEMES);
  if (themes.length < 2) return bullets(findings);
  const byTheme = groupBy(findings, (s) => themes.find((t) => mentions(s, t))?.text);
  return [...byTheme]
    .sort(([a], [b]) => (a === undefined ? 1 : b === undefined ? -1 : 0))
    .flatMap(([theme, list]) => [
      `### ${theme === undefined ? 'Other findings' : capitalize(theme)}`,
      '',
      ...bullets(list),
    ]);
}

function mentions(sentence: ScoredSentence, term: KeyTerm): boolean {
  return term.key.split(' ').every((k) => sentence.keys.has(k));
}

function groupBy<K>(
  items: readonly ScoredSentence[],
  keyOf: (s: ScoredSentence) => K,
): Map<K, ScoredSentence[]> {
  const groups = new Map<K, ScoredSentence[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

function conclusion(subject: string, terms: readonly KeyTerm[], material: Material): string {
  const subjectKeys = new Set(subject.toLowerCase().split(/\s+/));
  const focus = terms
    .filter((t) => !t.key.split(' ').some((k) => subjectKeys.has(k)))
    .slice(0, 3)
    .map((t) => t.text);
  const about = focus.length > 0 ? ` centres on ${focus.join(', ').replace(/, ([^,]*)$/, ' and $1')}` : '';
  const open =
    material.questions.length > 0
      ? ' Several questions remain open, so treat the findings as a starting point.'
      : '';
  return `The material on ${subject}${about}.${open}`;
}

function nextSteps(material: Material): string[] {
  const steps = material.actions.map((a) => asSentence(a.text));
  if (material.questions.length > 0)
    steps.push('Answer the open questions above with current, cited sources.');
  if (steps.length === 0) steps.push('Check each finding against a current source before acting on it.');
  return steps;
}
