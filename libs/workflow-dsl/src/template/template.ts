import { BoundedMap } from '@chainmail/contracts';
import { MAX_TEMPLATE_LENGTH, MAX_VALUE_LENGTH } from '../limits';
import { compileExpression, type CompiledExpression, type Scope } from './expression';
import { ExpressionLimitError } from './expression-limits';
import { stepIdsOf } from './scope';
import { splitTemplate, type Segment } from './segments';
import { chainCandidates, findHyphenChains, rewriteStepChains, type HyphenChain } from './step-ids';
import { TemplateError } from './template-error';
import { asText } from './text';

/** One `{{ expr }}` of a compiled template. */
export interface TemplateExpression {
  /** The source as written between the braces. */
  readonly source: string;
  /** Offset of its `{{` in the template text. */
  readonly offset: number;
  readonly references: readonly string[];
}

export interface CompiledTemplate {
  readonly text: string;
  /** Root names and step ids read by the template (`steps.x` counts as `x`). */
  readonly references: readonly string[];
  readonly expressions: readonly TemplateExpression[];
  /** The template is exactly one `{{ expr }}` (surrounding whitespace aside). */
  readonly single: boolean;
  /** Each `{{ expr }}` replaced by its value's text. The result is never expanded again. */
  render(scope: Scope): string;
  /** The raw value of a single-expression template, else the rendered text. */
  evaluate(scope: Scope): unknown;
}

/** Step ids known when compiling: a set, a list, or a predicate. */
export type StepIdSource = ReadonlySet<string> | readonly string[] | ((id: string) => boolean);

/**
 * Parsed templates, by text. Compiling is ~20µs and rendering a cached template ~1µs; the engine
 * renders the same few hundred templates over and over. Bounded: the oldest entry goes first.
 */
const CACHE_LIMIT = 2000;
interface CacheEntry {
  segments: Segment[];
  /** Per segment, its hyphenated chains (empty for text). */
  chains: HyphenChain[][];
  /** Every step id whose presence changes how the template compiles. */
  candidates: string[];
  variants: Map<string, CompiledTemplate>;
}
const cache = new BoundedMap<string, CacheEntry>(CACHE_LIMIT);

export function compileTemplate(text: string, stepIds?: StepIdSource): CompiledTemplate {
  return compiled(text, toPredicate(stepIds));
}

/** Renders `text` over `scope` (see {@link CompiledTemplate.render}). Throws TemplateError if it does not compile. */
export function renderTemplate(text: string, scope: Scope): string {
  if (!text.includes('{{')) return text;
  return compiled(text, stepIdsOf(scope)).render(scope);
}

/** The raw value of a template that is exactly one `{{ expr }}`; otherwise its rendered text. */
export function evaluateExpression(text: string, scope: Scope): unknown {
  if (!text.includes('{{')) return text;
  return compiled(text, stepIdsOf(scope)).evaluate(scope);
}

/**
 * Whether a condition holds. False: undefined, null, false, 0, NaN, an empty list, and the
 * strings '', '0' and 'false' (any case, surrounding spaces ignored). Everything else is true.
 */
export function evaluateCondition(text: string, scope: Scope): boolean {
  return isTruthy(evaluateExpression(text, scope));
}

export function isTruthy(value: unknown): boolean {
  if (typeof value === 'string') {
    const normalized = value.trim().toLowerCase();
    return normalized !== '' && normalized !== '0' && normalized !== 'false';
  }
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** The root names and step ids a template reads; throws TemplateError if it does not compile. */
export function templateReferences(text: string, stepIds?: StepIdSource): string[] {
  return [...compileTemplate(text, stepIds).references];
}

function toPredicate(stepIds: StepIdSource | undefined): (id: string) => boolean {
  if (stepIds === undefined) return () => false;
  if (typeof stepIds === 'function') return stepIds;
  const set: ReadonlySet<string> = stepIds instanceof Set ? stepIds : new Set(stepIds as readonly string[]);
  return (id) => set.has(id);
}

function compiled(text: string, isStep: (id: string) => boolean): CompiledTemplate {
  let entry = cache.get(text);
  if (entry === undefined) {
    entry = analyse(text);
    cache.set(text, entry);
  }
  let key = '';
  for (const candidate of entry.candidates) if (isStep(candidate)) key += candidate + '\n';
  let template = entry.variants.get(key);
  if (template === undefined) {
    template = build(text, entry, isStep);
    entry.variants.set(key, template);
  }
  return template;
}

function analyse(text: string): CacheEntry {
  if (text.length > MAX_TEMPLATE_LENGTH) {
    throw new TemplateError(
      `template is ${text.length} characters long; the limit is ${MAX_TEMPLATE_LENGTH}`,
      0,
      undefined,
      true,
    );
  }
  const segments = splitTemplate(text);
  const chains = segments.map((segment) => (segment.kind === 'expr' ? findHyphenChains(segment.source) : []));
  const candidates = new Set<string>();
  for (const list of chains)
    for (const chain of list) for (const c of chainCandidates(chain)) candidates.add(c);
  return { segments, chains, candidates: [...candidates], variants: new Map() };
}

type Part = string | CompiledExpression;

function build(text: string, entry: CacheEntry, isStep: (id: string) => boolean): CompiledTemplate {
  const parts: Part[] = [];
  const expressions: TemplateExpression[] = [];
  const references = new Set<string>();
  entry.segments.forEach((segment, index) => {
    if (segment.kind === 'text') {
      parts.push(segment.value);
      return;
    }
    const source = rewriteStepChains(segment.source, entry.chains[index], isStep);
    let expression: CompiledExpression;
    try {
      expression = compileExpression(source);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new TemplateError(
        `invalid expression "{{${excerpt(segment.source)}}}": ${reason}`,
        segment.offset,
        segment.source,
        err instanceof ExpressionLimitError,
      );
    }
    parts.push(expression);
    expressions.push({ source: segment.source, offset: segment.offset, references: expression.references });
    for (const name of expression.references) references.add(name);
  });
  const exprParts = parts.filter((part): part is CompiledExpression => typeof part !== 'string');
  const single =
    exprParts.length === 1 && parts.every((part) => typeof part !== 'string' || part.trim() === '');
  const render = (scope: Scope): string => {
    let out = '';
    for (const part of parts) {
      out += typeof part === 'string' ? part : asText(evaluateBounded(part, scope));
      // Each `{{x}}` may be a whole input: thousands of them must not build gigabytes.
      if (out.length > MAX_VALUE_LENGTH)
        throw new TemplateError(
          `the rendered text is longer than ${MAX_VALUE_LENGTH} characters`,
          0,
          undefined,
          true,
        );
    }
    return out;
  };
  return {
    text,
    references: [...references],
    expressions,
    single,
    render,
    evaluate: single ? (scope) => evaluateBounded(exprParts[0], scope) : render,
  };
}

/** Evaluates one expression; a bound crossed becomes a TemplateError saying which expression. */
function evaluateBounded(expression: CompiledExpression, scope: Scope): unknown {
  try {
    return expression.evaluate(scope);
  } catch (err) {
    if (!(err instanceof ExpressionLimitError)) throw err;
    throw new TemplateError(
      `"{{${excerpt(expression.source)}}}": ${err.message}`,
      0,
      expression.source,
      true,
    );
  }
}

/** Long sources are cut in messages: an error must not echo 4 KB of expression. */
function excerpt(source: string): string {
  return source.length > 80 ? `${source.slice(0, 80)}…` : source;
}
