import type { ErrorPolicy, Step } from '@chainmail/contracts';
import { parseDuration } from '@chainmail/workflow-dsl';
import type { StepChanges } from '../workflow/edits';
import { TemplateField, TextField } from './fields';
import { formatDuration } from '../workflow/to-yaml';

interface Props {
  step: Step;
  /** Ids of the workflow's other steps (goto targets). */
  otherSteps: string[];
  agents: string[];
  templateNames: string[];
  /** False while the YAML has errors: the graph edits the last valid definition only. */
  editable: boolean;
  onChange: (changes: StepChanges) => void;
  onRename: (to: string) => void;
  /** Written needs of a top-level step; undefined: the previous step. */
  onNeeds: (needs: string[] | undefined) => void;
  onMove: (delta: -1 | 1) => void;
  onDelete: () => void;
  topLevel: boolean;
}

/** The selected step's fields: agent, input template, condition, retry, timeout, error policy. */
export function StepPanel(props: Props) {
  const { step, editable } = props;
  const agent =
    step.kind === 'agent'
      ? step.agent
      : step.kind === 'foreach' && step.body.kind === 'agent'
        ? step.body.agent
        : undefined;
  return (
    <aside className="step-panel" aria-label={`Step ${step.id}`}>
      <h2>
        Step <code>{step.id}</code> <small>({step.kind})</small>
      </h2>
      <fieldset disabled={!editable}>
        <TextField label="Id" value={step.id} onCommit={(v) => v !== step.id && props.onRename(v)} />
        {agent !== undefined && (
          <TextField
            label="Agent"
            value={agent}
            list="agent-addresses"
            onCommit={(v) => v !== agent && props.onChange({ agent: v })}
          />
        )}
        <datalist id="agent-addresses">
          {props.agents.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {(step.kind === 'agent' || step.kind === 'workflow' || step.kind === 'foreach') && (
          <TemplateField
            label="Input"
            value={step.input ?? ''}
            names={props.templateNames}
            onCommit={(v) => v !== (step.input ?? '') && props.onChange({ input: v })}
          />
        )}
        {props.topLevel && (
          <TextField
            label="Waits for"
            value={step.needsDeclared ? step.needs.join(', ') : ''}
            placeholder={
              step.needs.length ? `the previous step (${step.needs.join(', ')})` : 'nothing: starts the run'
            }
            validate={(v) =>
              v
                .split(',')
                .map((x) => x.trim())
                .filter((x) => x !== '' && !props.otherSteps.includes(x))
                .map((x) => `no step "${x}"`)[0]
            }
            onCommit={(v) =>
              props.onNeeds(
                v === ''
                  ? undefined
                  : v
                      .split(',')
                      .map((x) => x.trim())
                      .filter((x) => x !== ''),
              )
            }
          />
        )}
        <TextField
          label="Condition"
          value={step.condition ?? ''}
          placeholder="{{ research.output != '' }}"
          onCommit={(v) => v !== (step.condition ?? '') && props.onChange({ condition: v || undefined })}
        />
        <TextField
          label="Timeout"
          value={step.timeoutMs === undefined ? '' : formatDuration(step.timeoutMs)}
          placeholder="30s, 5m, 1h"
          validate={(v) =>
            v === '' || parseDuration(v) !== undefined ? undefined : 'write a duration: 30s, 5m, 1h30m'
          }
          onCommit={(v) => props.onChange({ timeoutMs: v === '' ? undefined : parseDuration(v) })}
        />
        {(step.kind === 'agent' || step.kind === 'workflow' || step.kind === 'foreach') && (
          <TextField
            label="Retries"
            value={step.retry === undefined ? '' : String(step.retry.max)}
            placeholder="0"
            validate={(v) =>
              v === '' || (/^\d+$/.test(v) && Number(v) <= 100) ? undefined : 'a whole number, 0 to 100'
            }
            onCommit={(v) =>
              props.onChange({
                retry:
                  v === '' || v === '0'
                    ? undefined
                    : {
                        backoff: 'exponential',
                        delayMs: 1000,
                        maxDelayMs: 60_000,
                        jitter: true,
                        ...step.retry,
                        max: Number(v),
                      },
              })
            }
          />
        )}
        <label>
          On error
          <select
            value={step.onError.kind === 'goto' ? `goto:${step.onError.step}` : step.onError.kind}
            onChange={(e) => props.onChange({ onError: errorPolicy(e.target.value) })}
          >
            <option value="abort">abort the run</option>
            <option value="skip">skip the step</option>
            <option value="continue">continue</option>
            {props.topLevel &&
              props.otherSteps.map((id) => (
                <option key={id} value={`goto:${id}`}>
                  go to {id}
                </option>
              ))}
          </select>
        </label>
        <div className="row">
          {props.topLevel && (
            <>
              <button type="button" onClick={() => props.onMove(-1)}>
                Move up
              </button>
              <button type="button" onClick={() => props.onMove(1)}>
                Move down
              </button>
            </>
          )}
          <button type="button" className="danger" onClick={props.onDelete}>
            Delete step
          </button>
        </div>
      </fieldset>
      {!editable && <p className="hint">Fix the YAML&apos;s errors to edit on the graph again.</p>}
    </aside>
  );
}

function errorPolicy(value: string): ErrorPolicy {
  if (value.startsWith('goto:')) return { kind: 'goto', step: value.slice(5) };
  return { kind: value as 'abort' | 'skip' | 'continue' };
}
