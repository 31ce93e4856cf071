/** One thing wrong with a request: where (`inputs`, `config.baseUrl`, `steps[0].input`) and what is expected. */
export interface FieldIssue {
  /** `body` or `query`. */
  in: string;
  /** Dotted, with `[i]` for list items: `steps[0].input`. */
  field: string;
  message: string;
}

/** A request's fields as parsed from JSON or the query string, before any check. */
export type RequestValues = Readonly<Record<string, unknown>>;

/** What a request class's own check gives: the request, or one issue per field that is wrong. */
export type RequestCheck<T> = { request: T } | { issues: FieldIssue[] };

/**
 * A request class that checks its requests by hand, on a hot route where class-validator and
 * class-transformer cost more than the rest of the check: `fromRequest` gives exactly what
 * RequestValidationPipe gives through the class's decorators (same instance fields, same issues
 * in the same order), which the class's spec proves on a corpus. The decorators stay: they
 * document the class (OpenAPI) and remain the reference.
 */
export interface CheckedByHand<T> {
  fromRequest(values: RequestValues): RequestCheck<T>;
}

/**
 * The message of the first rule a value breaks, or undefined if it keeps them all: the rules in
 * the order class-validator applies the property's decorators (bottom-up).
 */
export type FieldRules = (value: unknown) => string | undefined;

/** Names dropped from plain data on its way to the validators, at every depth. */
const DROPPED_NAMES: ReadonlySet<string> = new Set([
  // class-transformer skips the names a new `{}` already has (its own are Object.prototype's)...
  ...Object.getOwnPropertyNames(Object.prototype),
  // ...and Nest's ValidationPipe deletes these from the value before (`__proto__` and `constructor` are above).
  'prototype',
]);

/**
 * Plain data as Nest's ValidationPipe (with class-transformer) hands it to the validators: arrays
 * and objects copied, their items and fields too, without the fields of {@link DROPPED_NAMES};
 * anything else as it is. Covers what the JSON and query parsers produce.
 */
export function copyAsTransformed(value: unknown): unknown {
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const item of value) copy.push(copyAsTransformed(item));
    return copy;
  }
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (DROPPED_NAMES.has(key)) continue;
    const field = copyAsTransformed((value as Record<string, unknown>)[key]);
    if (field !== undefined) copy[key] = field;
  }
  return copy;
}

/**
 * Reads the fields of one request as the decorators `@IsOptional()` + rules would check them,
 * collecting the issues (one per field: the first rule it breaks) in the order of the reads,
 * which is to be the order of the class's properties.
 */
export class RequestFields {
  private readonly issues: FieldIssue[] = [];

  constructor(private readonly values: RequestValues) {}

  /**
   * An optional field: absent or null passes (and stays as it is); otherwise `rules` check it.
   * `transform` is the property's `@Transform`, applied (as class-transformer does) only to a
   * field that is present. The value is of type T once {@link result} has found no issue.
   */
  optional<T>(name: string, rules: FieldRules, transform?: (value: unknown) => unknown): T | undefined {
    if (!Object.hasOwn(this.values, name)) return undefined;
    const copied = copyAsTransformed(this.values[name]);
    const value = transform === undefined ? copied : transform(copied);
    if (value !== null && value !== undefined) {
      const message = rules(value);
      if (message !== undefined) this.issues.push({ in: '', field: name, message });
    }
    return value as T | undefined;
  }

  /** The request, if no field broke a rule; else the issues. */
  result<T>(request: T): RequestCheck<T> {
    return this.issues.length > 0 ? { issues: this.issues } : { request };
  }
}
