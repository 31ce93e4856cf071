import { useState } from 'react';
import type { OutputFormat, OutputSpec, Trigger, WorkflowDefinition } from '@chainmail/contracts';
import { CronSchedule, describeCron } from '@chainmail/workflow-dsl';
import { TemplateField, TextField } from './fields';

interface Props {
  definition: WorkflowDefinition;
  /** What `{{ }}` may read in the output: the steps' outputs, inputs, vars. */
  templateNames: string[];
  /** False while the YAML has errors: the panel edits the last valid definition only. */
  editable: boolean;
  onDescription: (description: string) => void;
  onOutput: (output: OutputSpec) => void;
  onAddTrigger: (trigger: Trigger) => void;
  onRemoveTrigger: (index: number) => void;
}

/**
 * The workflow's own fields, shown when no step is selected: what starts it (email, webhook,
 * schedule), its description and its output, so a whole pipeline is built without typing YAML.
 */
export function WorkflowPanel(props: Props) {
  const { definition, editable } = props;
  return (
    <aside className="step-panel workflow-panel" aria-label="Workflow settings">
      <h2>
        Workflow <code>{definition.name}</code>
      </h2>
      <p className="hint">Select a step on the graph to edit it.</p>
      <fieldset disabled={!editable}>
        <TextField
          label="Description"
          value={definition.description ?? ''}
          onCommit={(v) => v !== (definition.description ?? '') && props.onDescription(v)}
        />
        <h3>Starts when</h3>
        {definition.triggers.length === 0 ? (
          <p className="hint">No trigger: runs start from the API, the CLI or Test Run.</p>
        ) : (
          <ul className="trigger-list">
            {definition.triggers.map((trigger, index) => (
              <li key={`${index}-${triggerWords(trigger)}`} data-trigger={trigger.type}>
                <span>{triggerWords(trigger)}</span>
                <button
                  type="button"
                  className="chip"
                  aria-label={`Remove trigger ${triggerWords(trigger)}`}
                  onClick={() => props.onRemoveTrigger(index)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <NewTrigger onAdd={props.onAddTrigger} />
        <h3>Output</h3>
        <TemplateField
          label="Template"
          value={definition.output.template ?? ''}
          names={props.templateNames}
          onCommit={(v) => {
            const template = v.trim() === '' ? undefined : v;
            if (template !== definition.output.template) props.onOutput({ ...definition.output, template });
          }}
        />
        <Delivery output={definition.output} onOutput={props.onOutput} />
      </fieldset>
    </aside>
  );
}

/** A trigger in the words of the YAML shorthand. */
export function triggerWords(trigger: Trigger): string {
  switch (trigger.type) {
    case 'email':
      return `email to ${trigger.address}`;
    case 'webhook':
      return `webhook ${trigger.path}`;
    case 'schedule':
      return `${describeCron(trigger.cron)} (${trigger.timezone})`;
    case 'placeholder':
      return `placeholder: ${trigger.choices.join(' | ')}`;
  }
}

type TriggerKind = 'email' | 'webhook' | 'schedule';

const PLACEHOLDERS: Record<TriggerKind, string> = {
  email: 'competitor-intel@',
  webhook: '/hooks/competitors',
  schedule: '0 8 * * 1-5',
};

/** The form that adds a trigger, checked as the parser would before it is added. */
function NewTrigger({ onAdd }: { onAdd: (trigger: Trigger) => void }) {
  const [kind, setKind] = useState<TriggerKind>('email');
  const [value, setValue] = useState('');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const made = makeTrigger(kind, value.trim(), timezone.trim());
  const add = (): void => {
    if (!made.ok) return;
    onAdd(made.trigger);
    setValue('');
  };
  return (
    <div className="new-trigger">
      <label>
        Trigger
        <select value={kind} onChange={(e) => setKind(e.target.value as TriggerKind)}>
          <option value="email">Email to an address</option>
          <option value="webhook">Webhook</option>
          <option value="schedule">Schedule (cron)</option>
        </select>
      </label>
      <label>
        {kind === 'email' ? 'Address' : kind === 'webhook' ? 'Path' : 'Cron'}
        <input
          value={value}
          placeholder={PLACEHOLDERS[kind]}
          aria-invalid={value.trim() !== '' && !made.ok}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && add()}
        />
        {value.trim() !== '' &&
          (made.ok ? (
            kind === 'schedule' && <span className="hint">{triggerWords(made.trigger)}</span>
          ) : (
            <span className="error">{made.reason}</span>
          ))}
      </label>
      {kind === 'schedule' && (
        <label>
          Time zone
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        </label>
      )}
      <button type="button" disabled={!made.ok} onClick={add}>
        Add trigger
      </button>
    </div>
  );
}

type Made = { ok: true; trigger: Trigger } | { ok: false; reason: string };

/** The trigger the form describes, or what is wrong with it (the parser checks it again). */
export function makeTrigger(kind: TriggerKind, value: string, timezone: string): Made {
  switch (kind) {
    case 'email':
      return /^[^@\s]+@[^@\s]*$/.test(value)
        ? { ok: true, trigger: { type: 'email', address: value } }
        : { ok: false, reason: 'An address like research@ or research@example.com.' };
    case 'webhook':
      return /^\/[\w\-./]*$/.test(value)
        ? { ok: true, trigger: { type: 'webhook', path: value } }
        : { ok: false, reason: 'A path that starts with /, e.g. /hooks/competitors.' };
    case 'schedule': {
      const parsed = CronSchedule.parse(value, timezone);
      return parsed.ok
        ? { ok: true, trigger: { type: 'schedule', cron: value, timezone: parsed.schedule.timezone } }
        : { ok: false, reason: parsed.reason };
    }
  }
}

/** Where the output goes when the run ends. */
function Delivery({ output, onOutput }: { output: OutputSpec; onOutput: (output: OutputSpec) => void }) {
  const set = (changes: Partial<OutputSpec>): void => onOutput({ ...output, ...changes });
  return (
    <>
      <label>
        Send the output
        <select value={output.format} onChange={(e) => set({ format: e.target.value as OutputFormat })}>
          <option value="email">by email</option>
          <option value="webhook">to a webhook</option>
          <option value="both">by email and to a webhook</option>
          <option value="none">nowhere (read it on the run page)</option>
        </select>
      </label>
      {(output.format === 'email' || output.format === 'both') && (
        <TextField
          label="To"
          placeholder="who started the run"
          value={output.to ?? ''}
          onCommit={(v) => v !== (output.to ?? '') && set({ to: v === '' ? undefined : v })}
        />
      )}
      {(output.format === 'webhook' || output.format === 'both') && (
        <TextField
          label="Webhook URL"
          placeholder="https://example.com/hook"
          value={output.url ?? ''}
          onCommit={(v) => v !== (output.url ?? '') && set({ url: v === '' ? undefined : v })}
        />
      )}
    </>
  );
}
