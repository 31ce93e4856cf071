import { useState } from 'react';
import { api } from '../api/api';
import type { OpenCheckpoint } from '../workflow/checkpoints';
import { Problem } from './bits';
import { useAction } from './use-action';

/**
 * A checkpoint the run waits at, decided in place: approve, reject, or edit (the reviewer's text
 * becomes the checkpoint's output, `{{ <checkpoint>.input }}`), with an optional comment. With
 * the `draft` it waits on, the panel shows it and an edit starts from it.
 */
export function CheckpointPanel(props: {
  runId: string;
  checkpoint: OpenCheckpoint;
  draft?: { step: string; output: string } | null;
  onDecided: () => void;
}) {
  const { runId, checkpoint, draft } = props;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(draft?.output ?? '');
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAction();

  const decide = (action: 'approve' | 'reject' | 'edit'): Promise<boolean> =>
    run(async () => {
      await api.decideCheckpoint(runId, checkpoint.stepId, {
        action,
        ...(action === 'edit' ? { input: text } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      props.onDecided();
    });

  return (
    <section
      className="checkpoint-panel"
      aria-label={`Checkpoint ${checkpoint.stepId}`}
      data-checkpoint={checkpoint.stepId}
    >
      <h2>
        <code>{checkpoint.stepId}</code> waits for a decision
      </h2>
      <p>{checkpoint.message}</p>
      {draft && !editing && (
        <>
          <h3>
            It waits on <code>{draft.step}</code>&rsquo;s output
          </h3>
          <pre data-testid="checkpoint-draft">{draft.output}</pre>
        </>
      )}
      <label>
        Comment (optional)
        <input value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {editing && (
        <label>
          Edited text
          <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={busy} onClick={() => void decide('approve')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>
          Reject
        </button>
        {editing ? (
          <button type="button" disabled={busy || text.trim() === ''} onClick={() => void decide('edit')}>
            Send edit
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </div>
      <Problem error={error} />
    </section>
  );
}
