/**
 * The areas a research brief can cover. A lens is chosen when the request uses one of its
 * trigger words; a business request always gets the four core lenses (market, players, pricing,
 * differentiation). Texts are templates over the subject, never claims about it.
 */
export interface Lens {
  name: string;
  triggers: readonly string[];
  /** The question as a clause, for the brief's opening sentence ("how vendors price"). */
  focus: string;
  /** The central question this area answers. */
  question: (subject: string, view: Perspective) => string;
  /** What to collect, as instructions to whoever does the research. */
  tasks: (subject: string) => string[];
  source: string;
  core?: boolean;
}

/** Whose side the request takes: "our competitors" asks about rivals of the requester. */
export interface Perspective {
  /** "us" or "one another". */
  rivalsOf: string;
  /** "we" or "a newcomer". */
  challenger: string;
}

export const BUSINESS_LENSES: readonly Lens[] = [
  {
    name: 'Market',
    focus: 'how the market is defined and where it grows',
    core: true,
    triggers: [
      'market',
      'space',
      'industry',
      'sector',
      'segment',
      'size',
      'growth',
      'trend',
      'demand',
      'landscape',
      'niche',
      'vertical',
    ],
    question: (s) => `How is the ${s} market defined and segmented, and where is it growing?`,
    tasks: (s) => [
      `Define the boundaries of the ${s} market and its main segments (company size, industry, region).`,
      `Estimate its size and growth rate, citing the source and year of each figure.`,
    ],
    source: 'Analyst and industry reports, with their publication dates',
  },
  {
    name: 'Players',
    focus: 'who the main competitors are',
    core: true,
    triggers: [
      'competitor',
      'competition',
      'competitive',
      'rival',
      'vendor',
      'player',
      'alternative',
      'company',
      'startup',
      'incumbent',
      'provider',
      'supplier',
    ],
    question: (s, view) =>
      `Who are the main competitors in ${s}, and which of them compete most directly with ${view.rivalsOf}?`,
    tasks: (s) => [
      `List the established competitors and the newer entrants in ${s}, with the segment each one targets.`,
      `Note for each player its size, ownership and recent moves (launches, acquisitions, funding).`,
    ],
    source: 'Vendor websites, press releases and company databases',
  },
  {
    name: 'Pricing',
    focus: 'how vendors price',
    core: true,
    triggers: [
      'price',
      'pricing',
      'cost',
      'plan',
      'subscription',
      'license',
      'licence',
      'fee',
      'discount',
      'tier',
      'monetization',
    ],
    question: (s) => `How do ${s} vendors price their offers, and how do their plans compare?`,
    tasks: (s) => [
      `Compare how each ${s} vendor charges (subscription, per use, by tier) and its entry and top list prices.`,
      `Record what each plan includes and what costs extra.`,
    ],
    source: 'Public pricing pages and plan comparison tables',
  },
  {
    name: 'Differentiation',
    focus: 'what sets each player apart',
    core: true,
    triggers: [
      'feature',
      'product',
      'differentiation',
      'differentiator',
      'positioning',
      'strength',
      'weakness',
      'advantage',
      'usp',
      'capability',
      'offering',
    ],
    question: (s, view) => `What sets each ${s} player apart, and where could ${view.challenger} stand out?`,
    tasks: (s) => [
      `Summarize how each ${s} vendor positions itself and which capabilities it leads with.`,
      `Identify strengths and weaknesses that customers mention, and gaps no vendor covers well.`,
    ],
    source: 'Product documentation, release notes and independent customer reviews',
  },
  {
    name: 'Customers',
    focus: 'who buys and why customers switch',
    triggers: [
      'customer',
      'user',
      'buyer',
      'client',
      'persona',
      'churn',
      'adoption',
      'retention',
      'review',
      'satisfaction',
    ],
    question: (s) => `Who buys ${s} products, and why do customers choose or leave a vendor?`,
    tasks: (s) => [
      `Describe the typical ${s} buyers and users, and the problems they hire the product for.`,
      `Collect recurring reasons for switching vendors from reviews and case studies.`,
    ],
    source: 'Customer review sites, case studies and community forums',
  },
  {
    name: 'Technology',
    focus: 'which capabilities matter',
    triggers: [
      'technology',
      'tech',
      'ai',
      'integration',
      'api',
      'platform',
      'stack',
      'automation',
      'data',
      'infrastructure',
      'security',
    ],
    question: (s) => `Which technical capabilities matter most in ${s}, and who leads on them?`,
    tasks: (s) => [
      `Compare integrations, automation and AI features across ${s} products.`,
      `Check deployment options, data handling and security certifications.`,
    ],
    source: 'API documentation, integration marketplaces and security pages',
  },
  {
    name: 'Go-to-market',
    focus: 'how vendors win customers',
    triggers: [
      'sales',
      'marketing',
      'channel',
      'partner',
      'distribution',
      'acquisition',
      'brand',
      'campaign',
    ],
    question: (s) => `How do ${s} vendors find and win customers?`,
    tasks: (s) => [
      `Map the sales motions (self-serve, inside sales, partners) and marketing channels ${s} vendors use.`,
    ],
    source: 'Partner directories, job postings and marketing material',
  },
  {
    name: 'Regulation',
    focus: 'which rules apply',
    triggers: [
      'regulation',
      'regulatory',
      'compliance',
      'privacy',
      'gdpr',
      'legal',
      'law',
      'policy',
      'standard',
    ],
    question: (s) => `Which rules and standards shape ${s}, and how do vendors comply?`,
    tasks: (s) => [
      `List the regulations and standards that apply to ${s} and each vendor's stated compliance.`,
    ],
    source: "Regulators' guidance and vendors' compliance pages",
  },
  {
    name: 'Financials',
    focus: 'how the players are funded',
    triggers: [
      'funding',
      'investor',
      'investment',
      'valuation',
      'revenue',
      'profit',
      'financial',
      'merger',
      'ipo',
    ],
    question: (s) => `How are the ${s} players funded and how do they perform financially?`,
    tasks: (s) => [
      `Collect revenue, funding rounds and valuations of the ${s} players, with dates and sources.`,
    ],
    source: 'Annual reports, filings and funding announcements',
  },
];

/** For requests that are not about a business: understand the subject itself. */
export const GENERAL_LENSES: readonly Lens[] = [
  {
    name: 'Background',
    focus: 'how it came about',
    triggers: [],
    question: (s) => `How did ${s} come about, and what are the key facts and dates?`,
    tasks: (s) => [`Write down accepted definitions of ${s} and a dated timeline of its history.`],
    source: 'Encyclopedias and introductory texts',
  },
  {
    name: 'Current state',
    focus: 'where it stands today',
    triggers: [],
    question: (s) => `What is the current state of ${s}, and what has changed recently?`,
    tasks: (s) => [`Collect recent developments about ${s}, each with its date and source.`],
    source: 'Recent news coverage and official publications',
  },
  {
    name: 'Key actors',
    focus: 'who is involved',
    triggers: [],
    question: (s) => `Who are the main people and organisations involved in ${s}?`,
    tasks: (s) => [`List the people and organisations that shape ${s} and what role each plays.`],
    source: 'Organisation websites and expert commentary',
  },
  {
    name: 'Open questions',
    focus: 'what is still disputed',
    triggers: [],
    question: (s) => `Where do sources disagree about ${s}, and what is still unknown?`,
    tasks: (s) => [`Note claims about ${s} that sources dispute, and the evidence on each side.`],
    source: 'Academic papers and independent analyses',
  },
];
