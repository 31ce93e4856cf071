import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/api';
import { gallery, type TemplateDetail } from '../api/gallery';
import { useApi } from '../api/use-api';
import { problemsByField } from '../gallery/api-problems';
import { initialParamValues, paramsToSend, type ParamFormValue } from '../gallery/template-params';
import { Problem } from './bits';
import { FieldProblem } from './FieldProblem';
import { OwnerSelect } from './OwnerSelect';
import { useFormAction } from './use-action';

/** What the builder shows when it opens a workflow just made from a template. */
export interface FromTemplate {
  notice: string;
  sampleInput: Record<string, unknown>;
}

/**
 * `Use template`: the new workflow's name and the parameters (defaults filled in), published by
 * the server, which checks each value; the builder then opens on the new workflow.
 */
export function UseTemplateForm({ template, onCancel }: { template: TemplateDetail; onCancel: () => void }) {
  const navigate = useNavigate();
  const existing = useApi(() => api.workflows().then((list) => list.map((w) => w.name)), []);
  const [name, setName] = useState(template.id);
  const [values, setValues] = useState(() => initialParamValues(template.parameters));
  const [team, setTeam] = useState('');
  const { busy, error, submit } = useFormAction(async () => {
    const used = await gallery.useTemplate(
      template.id,
      {
        name: name.trim(),
        params: paramsToSend(template.parameters, values),
      },
      team || undefined,
    );
    const state: FromTemplate = {
      notice: `Made ${used.name} (version ${used.version}) from the template ${template.title}.`,
      sampleInput: used.sampleInput,
    };
    navigate(`/workflows/${encodeURIComponent(used.name)}`, { state });
  });
  const problems = problemsByField(error);
  const set = (param: string, value: ParamFormValue): void => setValues({ ...values, [param]: value });

  return (
    <form className="panel use-template" aria-label="Use template" onSubmit={submit}>
      <h2>Use {template.title}</h2>
      <Problem error={error} />
      <label>
        New workflow name
        <input
          value={name}
          required
          autoFocus
          aria-invalid={problems.name !== undefined}
          aria-describedby="use-name-problem"
          onChange={(e) => setName(e.target.value)}
        />
        <FieldProblem id="use-name-problem" problems={problems.name} />
      </label>
      {existing.data?.includes(name.trim()) && (
        <p role="note" className="hint">
          A workflow named {name.trim()} exists: using the template adds a version to it.
        </p>
      )}
      <OwnerSelect value={team} onChange={setTeam} />
      <fieldset aria-label="Parameters">
        <FieldProblem id="use-params-problem" problems={problems.params} />
        {template.parameters.map((p) => {
          const value = values[p.name];
          const problemId = `use-param-${p.name}-problem`;
          const invalid = problems[`params.${p.name}`] !== undefined;
          return typeof value === 'boolean' ? (
            <label key={p.name} className="check">
              <input
                type="checkbox"
                checked={value}
                aria-invalid={invalid}
                aria-describedby={problemId}
                onChange={(e) => set(p.name, e.target.checked)}
              />{' '}
              {p.name} <small>— {p.description}</small>
              <FieldProblem id={problemId} problems={problems[`params.${p.name}`]} />
            </label>
          ) : (
            <label key={p.name}>
              {p.name}{' '}
              <small>
                ({p.type}) {p.description}
              </small>
              <input
                value={value ?? ''}
                inputMode={p.type === 'number' ? 'decimal' : undefined}
                aria-invalid={invalid}
                aria-describedby={problemId}
                onChange={(e) => set(p.name, e.target.value)}
              />
              <FieldProblem id={problemId} problems={problems[`params.${p.name}`]} />
            </label>
          );
        })}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
          Create workflow
        </button>
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}
