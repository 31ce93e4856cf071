import { useEffect, useState } from 'react';

/** A text field that commits on blur or Enter, with an optional check shown beside it. */
export function TextField(props: {
  label: string;
  value: string;
  placeholder?: string;
  list?: string;
  validate?: (value: string) => string | undefined;
  onCommit: (value: string) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const problem = props.validate?.(text.trim());
  const commit = (): void => {
    if (problem === undefined) props.onCommit(text.trim());
  };
  return (
    <label>
      {props.label}
      <input
        value={text}
        placeholder={props.placeholder}
        list={props.list}
        aria-invalid={problem !== undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {problem && <span className="error">{problem}</span>}
    </label>
  );
}

/** The input template, with buttons that insert what `{{ }}` may read. */
export function TemplateField(props: {
  label: string;
  value: string;
  names: string[];
  onCommit: (value: string) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <div className="template-field">
      <label>
        {props.label}
        <textarea
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => props.onCommit(text)}
        />
      </label>
      <div className="chips" aria-label="Insert into the input">
        {props.names.map((name) => (
          <button
            key={name}
            type="button"
            className="chip"
            onClick={() => {
              const next = `${text}{{ ${name} }}`;
              setText(next);
              props.onCommit(next);
            }}
          >
            {`{{ ${name} }}`}
          </button>
        ))}
      </div>
    </div>
  );
}
