/** A template that cannot be compiled; `offset` is where (in the template text) the problem starts. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly code = 'BAD_TEMPLATE' as const;

  constructor(
    message: string,
    /** Offset in the template text of the `{{` that opens the failing expression. */
    readonly offset: number,
    /** The expression source inside `{{ }}`, when the failure is in one. */
    readonly expression?: string,
    /** The template is past a bound of `limits.ts` (too long, nested too deep, too much work). */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}
