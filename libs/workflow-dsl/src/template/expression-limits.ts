import { MAX_EXPRESSION_LENGTH, MAX_EXPRESSION_NESTING, MAX_VALUE_LENGTH } from '../limits';

/** An expression (or what it builds) is past one of the bounds in `limits.ts`. */
export class ExpressionLimitError extends Error {
  override readonly name = 'ExpressionLimitError';
}

/**
 * Refuses, before jexl sees it, an expression too long or nested too deep: jexl parses each
 * bracket with a sub-parser, so its time grows with the square of the nesting (10,000 `(` take
 * seconds). One linear pass over the text, skipping string literals.
 */
export function checkExpressionSource(source: string): void {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionLimitError(
      `expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`,
    );
  }
  let depth = 0;
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote !== '') {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (++depth > MAX_EXPRESSION_NESTING)
        throw new ExpressionLimitError(`expression nests brackets more than ${MAX_EXPRESSION_NESTING} deep`);
    } else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
  }
}

/** A string an expression builds must stay under MAX_VALUE_LENGTH. */
export function checkValueLength(length: number, what: string): void {
  if (length > MAX_VALUE_LENGTH)
    throw new ExpressionLimitError(
      `${what} would be ${length} characters long; the limit is ${MAX_VALUE_LENGTH}`,
    );
}
