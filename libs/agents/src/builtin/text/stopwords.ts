// Common verbs say little about a subject ("Frontinus wrote", "was built"): not key terms either.
const LIGHT_VERBS = `ask asked asks began begin believe bring brought call called came come comes feel felt find
  finds found gave give gives hear heard include included includes keep kept knew know known leave left look
  looked looks mean meant put said say says seem seemed show showed shown take takes taken think thought
  told took tried try want wanted wants wrote write writes written built build builds`;

// Adjectives that rank or date things say nothing about the subject ("main", "new", "key").
const VAGUE_ADJECTIVES = `able best better big certain common current different entire full general good great
  important key large largest likely main major minor new newer old particular possible recent small specific
  top typical various whole`;

/** English function words: never key terms, never counted when scoring sentences. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all almost also although always am among an and another any anyone
  anything are aren't around as at be became because become been before being below between both but by
  can can't cannot could couldn't did didn't do does doesn't doing don't done down during each either else
  enough etc even ever every few for from further get gets getting give given go goes going got had hadn't
  has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how how's
  however i i'd i'll i'm i've if in into is isn't it it's its itself just least less let let's like made make
  makes many may me might mine more most much must mustn't my myself need needs neither no nor not now of off
  often on once one only onto or other others otherwise ought our ours ourselves out over own per perhaps
  please quite rather really same see seem seems several shall shan't she she'd she'll she's should
  shouldn't since so some something such than that that's the their theirs them themselves then there
  there's these they they'd they'll they're they've this those though through thus to too toward towards
  under until up upon us use used using very via was wasn't we we'd we'll we're we've well were weren't what
  what's whatever when when's where where's whether which while who who's whom whose why why's will with
  within without won't would wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves
  ${LIGHT_VERBS} ${VAGUE_ADJECTIVES}`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/**
 * Words that ask for work rather than name the subject ("Research competitors for: …",
 * "Create a report based on: …"): dropped when finding what a text is about.
 */
export const REQUEST_WORDS: ReadonlySet<string> = new Set(
  `analyse analyze assess based brief compile compose create describe draft edit evaluate examine explore
  find fix generate help identify investigate list look polish prepare produce proofread provide research
  review study summarise summarize summary tell write`
    .split(/\s+/)
    .filter((w) => w !== ''),
);
