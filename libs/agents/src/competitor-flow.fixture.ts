import { agentCall } from './agent-call.fixture';
import { AgentDirectory } from './agent-directory';

/** The seed's user request (mail to competitor-intel@ with this body). */
export const SEED_USER_INPUT = 'Analyze our competitors in the CRM space';

export interface CompetitorFlowOutputs {
  research: string;
  summarize: string;
  draft: string;
  review: string;
}

/**
 * The seed's `competitor-analysis` workflow, step by step, with each input built exactly as its
 * templates write it (`input: |` keeps the newline after the last line).
 */
export async function runCompetitorFlow(
  directory: AgentDirectory,
  userInput = SEED_USER_INPUT,
): Promise<CompetitorFlowOutputs> {
  const run = async (stepId: string, address: string, input: string): Promise<string> =>
    (await directory.resolve(address).invoke(agentCall(address, input, { runId: 'run-seed', stepId })))
      .output;
  const research = await run('research', 'research@', `Research competitors for: ${userInput}`);
  const summarize = await run('summarize', 'summarize@', `Summarize this research: ${research}`);
  const draft = await run(
    'draft',
    'write-report@',
    `Create a competitive analysis report based on:\n${summarize}\n`,
  );
  const review = await run('review', 'proofread@', `Review and polish: ${draft}`);
  return { research, summarize, draft, review };
}

/** Sentences as a reader sees them: Markdown markers and the final full stop removed. */
export function plainSentencesOf(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => line.replace(/^\s*(?:#{1,6}|[-*+]|\d+\.)\s+/, ''))
    .join('\n');
}

/** A short Markdown article with sections, a list-free body and a code block. */
export const CRM_ARTICLE = `# The CRM market in 2024

Customer relationship management (CRM) software helps companies track their contacts, deals and support requests. The CRM market is dominated by a handful of large vendors, with Salesforce holding the largest share. Microsoft Dynamics, Oracle and SAP compete for large enterprises, while HubSpot and Zoho focus on small and mid-sized businesses.

Pricing varies widely. Most vendors charge per user per month, and entry plans often cost less than 20 dollars per user. Enterprise plans can cost ten times as much, and add-ons such as AI assistants are usually sold separately.

## Trends

AI features are the main battleground. Vendors are adding assistants that draft emails, summarize calls and predict which deals will close. Customers, however, report that data quality limits what these features can do. Integration with email, calendars and messaging tools remains the most requested capability.

## Risks

Switching CRM vendors is costly, so customers tend to stay once they have migrated their data. New entrants therefore target companies that have never used a CRM before. Regulation such as the GDPR also shapes how vendors store customer data in Europe.

\`\`\`js
const crm = require('crm'); // This sentence lives in code and must never be summarized.
\`\`\`
`;
