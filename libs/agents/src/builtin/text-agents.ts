import { Agent } from '../agent';
import { builtinAgent, requireText } from './builtin-agent';
import { draftContract, emailSenderStandIn } from './contract';
import { proofreadText } from './proofread';
import { writeReport } from './report';
import { researchBrief } from './research';
import { summarizeText } from './summarize';
import { splitInstruction } from './text/instruction';
import { wordSet } from './text/words';

const PROOFREAD_VERBS = wordSet(`review polish proofread edit correct tidy copyedit revise`);

/** The seed's competitor-analysis agents, working offline and deterministically. */
export function textAgents(): Agent[] {
  return [
    builtinAgent(
      'research@',
      'Offline stand-in for research: turns a request into a research brief (topic, key terms, questions, areas to investigate). Does no web search.',
      (input) => researchBrief(requireText('research@', input)),
    ),
    builtinAgent(
      'summarize@',
      'Extractive summary: keeps the most informative sentences of the text, in their original order.',
      (input) => summarizeText(requireText('summarize@', input)),
    ),
    builtinAgent(
      'write-report@',
      'Formats material as a Markdown report: title, executive summary, findings by theme, open questions, next steps.',
      (input) => writeReport(requireText('write-report@', input)),
    ),
    builtinAgent(
      'proofread@',
      'Proofreads text and Markdown: spelling, doubled words, spacing, capitals, punctuation; code is left untouched.',
      // "Review and polish: …" asks for the pass; the text after the colon is what gets polished.
      (input) => proofreadText(splitInstruction(input, PROOFREAD_VERBS).body).text,
    ),
    builtinAgent(
      'write-contract@',
      'Drafts a services agreement in Markdown for the named client, leaving every commercial term as a visible blank.',
      (input) => draftContract(input),
    ),
    builtinAgent(
      'email-sender@',
      'Offline stand-in for sending mail: says it sent nothing and to whom it would have written.',
      (input) => emailSenderStandIn(input),
    ),
  ];
}
