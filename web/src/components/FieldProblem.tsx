/** The API's problems with one form field, beside it (`id` for the field's `aria-describedby`). */
export function FieldProblem({ id, problems }: { id: string; problems: string[] | undefined }) {
  if (problems === undefined || problems.length === 0) return null;
  return (
    <span id={id} className="field-problem error" data-field-problem>
      {problems.join('; ')}
    </span>
  );
}
