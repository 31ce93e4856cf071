import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { RunDetail } from '@chainmail/contracts';
import { ops } from '../api/ops';
import { Problem } from './bits';
import { useAction } from './use-action';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The debugger in the run page. A running run can be paused (before its next step). A paused run
 * (started with "Pause before each step", at a breakpoint, or paused) shows the step it waits
 * before and its input: `Step` runs that one step and pauses again, `Resume` runs on to the next
 * breakpoint or the end, `Edit input` replaces the step's input once. An ended run can be rewound
 * to a step and continued; any run can be forked from a step into a new run, which the page opens.
 */
export function DebugPanel(props: { run: RunDetail; stepIds: string[]; onChanged: () => void }) {
  const { run, stepIds } = props;
  const navigate = useNavigate();
  const { busy, error, run: runAction } = useAction();
  const [editing, setEditing] = useState(false);
  const [input, setInput] = useState('');
  const ended = TERMINAL.has(run.status);
  const [picked, setTarget] = useState<string>();
  const target = picked ?? stepIds[0] ?? '';
  const [forkDebug, setForkDebug] = useState(false);
  const [pausing, setPausing] = useState(false);

  /** Runs one action; true when it was accepted. */
  const act = (action: () => Promise<unknown>): Promise<boolean> =>
    runAction(async () => {
      await action();
      setEditing(false);
      props.onChanged();
    });
  const paused = run.pausedAt;
  const editInput = (): void => {
    setInput(paused?.input ?? '');
    setEditing(true);
  };
  const fork = (event: FormEvent): void => {
    event.preventDefault();
    void act(async () => {
      const forked = await ops.fork(run.id, target, forkDebug);
      navigate(`/runs/${forked.runId}`);
    });
  };

  return (
    <section className="debug-panel" aria-label="Debugger">
      <h2>Debugger</h2>
      {paused !== null ? (
        <>
          <p role="status" data-next-step={paused.step}>
            Paused before <code>{paused.step}</code>
            {paused.visit > 1 ? ` (visit ${paused.visit})` : ''}: it runs next.
          </p>
          {paused.input !== undefined &&
            (editing ? (
              <label>
                Input for <code>{paused.step}</code> (this step only)
                <textarea rows={4} value={input} onChange={(e) => setInput(e.target.value)} />
              </label>
            ) : (
              <>
                <h3>Its input</h3>
                <pre>{paused.input}</pre>
              </>
            ))}
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void act(() => ops.step(run.id, editing ? input : undefined))}
            >
              Step
            </button>
            <button type="button" disabled={busy} onClick={() => void act(() => ops.resume(run.id))}>
              Resume
            </button>
            {paused.input !== undefined &&
              (editing ? (
                <button type="button" disabled={busy} onClick={() => setEditing(false)}>
                  Keep input
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={editInput}>
                  Edit input
                </button>
              ))}
          </div>
        </>
      ) : (
        !ended && (
          <div className="row">
            <p role="status">
              {pausing || run.debug
                ? 'Running: it pauses before its next step.'
                : 'Running. Pause it to look at the next step before it runs.'}
            </p>
            {!pausing && !run.debug && (
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(() => ops.pause(run.id)).then(setPausing)}
              >
                Pause
              </button>
            )}
          </div>
        )
      )}
      {stepIds.length > 0 && (
        <form className="row debug-travel" onSubmit={fork} aria-label="Rewind or fork">
          <label>
            From step
            <select aria-label="From step" value={target} onChange={(e) => setTarget(e.target.value)}>
              {stepIds.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
          {ended && (
            <button type="button" disabled={busy} onClick={() => void act(() => ops.rewind(run.id, target))}>
              Rewind
            </button>
          )}
          <label className="check">
            <input type="checkbox" checked={forkDebug} onChange={(e) => setForkDebug(e.target.checked)} />
            Pause the fork before each step
          </label>
          <button type="submit" disabled={busy}>
            Fork
          </button>
        </form>
      )}
      {run.forkedFrom && (
        <p className="hint">
          Forked from run <Link to={`/runs/${run.forkedFrom.runId}`}>{run.forkedFrom.runId.slice(0, 8)}</Link>{' '}
          at step <code>{run.forkedFrom.step}</code>.
        </p>
      )}
      <Problem error={error} />
    </section>
  );
}
