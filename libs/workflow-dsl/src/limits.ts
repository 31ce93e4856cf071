/**
 * Hard limits on what a definition may contain. A definition comes from users (API, email, the
 * builder), so every dimension that could make parsing or rendering slow is bounded.
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Alias references in one document (the "billion laughs" guard, also given to the yaml package). */
export const MAX_ALIASES = 100;
/** Nodes produced after expanding aliases. */
export const MAX_NODES = 100_000;
export const MAX_DEPTH = 32;
export const MAX_KEYS_PER_MAP = 256;
export const MAX_ITEMS_PER_LIST = 1000;
export const MAX_TEMPLATE_LENGTH = 64 * 1024;
/** Characters inside one `{{ }}`: an expression is a line of logic, not a program. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Brackets `( [ {` open at once in one expression (the jexl parser's time grows with the square of it). */
export const MAX_EXPRESSION_NESTING = 32;
/** Nodes visited while evaluating one expression (a filter runs its test once per list item). */
export const MAX_EVALUATION_STEPS = 1_000_000;
/** Characters of a value an expression builds (`+`, `join`) or a template renders. */
export const MAX_VALUE_LENGTH = 16 * 1024 * 1024;
export const MAX_STEPS = 200;
/** After this many, further issues add noise, not information. */
export const MAX_ISSUES = 200;
