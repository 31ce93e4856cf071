import { useState, type FormEvent } from 'react';
import type { InputDeclaration } from '@chainmail/contracts';

interface Props {
  inputs: InputDeclaration[];
  /** Texts to start from (a template's sample input), else each input's default. */
  initial?: Record<string, string>;
  busy: boolean;
  /** `debug`: pause the run before each step (step-by-step debugging on its run page). */
  onStart: (inputs: Record<string, unknown>, debug: boolean) => void;
  onCancel: () => void;
}

/** The run's inputs, asked before a test run: the declared ones, else the run's text (`user_input`). */
export function TestRunForm({ inputs, initial, busy, onStart, onCancel }: Props) {
  const fields: InputDeclaration[] =
    inputs.length > 0 ? inputs : [{ name: 'user_input', type: 'string', required: false }];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      fields.map((f) => [f.name, initial?.[f.name] ?? (f.default === undefined ? '' : String(f.default))]),
    ),
  );
  const [problem, setProblem] = useState<string>();
  const [debug, setDebug] = useState(false);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const text = values[field.name] ?? '';
      if (text === '') continue;
      if (field.type === 'string') out[field.name] = text;
      else {
        try {
          out[field.name] = JSON.parse(text);
        } catch {
          setProblem(
            `${field.name} must be ${field.type === 'number' ? 'a number' : `JSON (${field.type})`}`,
          );
          return;
        }
      }
    }
    setProblem(undefined);
    onStart(out, debug);
  };

  return (
    <form className="test-run" onSubmit={submit} aria-label="Test run inputs">
      <h2>Test run</h2>
      {fields.map((field) => (
        <label key={field.name}>
          {field.name}
          {field.required ? ' (required)' : ''} <small>{field.type}</small>
          <textarea
            rows={field.type === 'string' ? 2 : 1}
            required={field.required}
            value={values[field.name]}
            onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
          />
        </label>
      ))}
      <label className="check">
        <input type="checkbox" checked={debug} onChange={(e) => setDebug(e.target.checked)} />
        Pause before each step
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          Start run
        </button>
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}
