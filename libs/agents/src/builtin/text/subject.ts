/** "in the CRM space", "for the EV charging market": the words before the market noun name the subject. */
const SUBJECT_BEFORE_MARKET =
  /\b(?:in|within|across|for|of|on|into)\s+(?:the\s+)?([\p{L}\p{N}][\p{L}\p{N}&/+ .-]{0,48}?)\s+(?:space|market|industry|sector|segment|category|vertical|niche|landscape|ecosystem)\b/iu;
const LEADING_DETERMINER = /^(?:our|my|the|a|an|their|your|its|all|some)\s+/i;

export function namedSubject(text: string): string | undefined {
  const named = SUBJECT_BEFORE_MARKET.exec(text)?.[1]?.trim();
  return named ? stripDeterminer(named) : undefined;
}

export function stripDeterminer(text: string): string {
  return text.replace(LEADING_DETERMINER, '');
}
