import { escapeHtml } from '@chainmail/platform';
import type { CheckpointDecision } from '@chainmail/contracts';

/** What the approval page shows: everything is escaped. */
export interface ApprovalPageView {
  title: string;
  /** Paragraphs of plain text. */
  lines: string[];
  /** The checkpoint, when the link leads to one. */
  checkpoint?: {
    workflow: string;
    runId: string;
    step: string;
    message: string;
    approver: string;
    deadline: string | null;
    produced: { stepId: string; output: string }[];
  };
  /** The form, when the link may still act: its one button. */
  form?: { action: CheckpointDecision; outcome: string; input?: string; error?: string };
}

const BUTTON: Record<CheckpointDecision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  edit: 'Send the edit',
};

/**
 * The page an approval link opens. Opening it (GET) changes nothing: only its form's button
 * (a POST to the same link) decides, so a mail scanner that follows links decides nothing.
 */
export function approvalPage(view: ApprovalPageView): string {
  const c = view.checkpoint;
  const form = view.form;
  const field =
    form === undefined
      ? ''
      : form.action === 'edit'
        ? `<label for="input">The new input</label>
<textarea id="input" name="input" rows="12" required>${escapeHtml(form.input ?? '')}</textarea>`
        : `<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="3"></textarea>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>${escapeHtml(view.title)} · Chainmail</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
blockquote { border-left: 4px solid #ccc; margin: 1rem 0; padding: 0.25rem 1rem; color: #444; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.75rem; border-radius: 4px; }
label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
textarea { width: 100%; font: inherit; }
button { margin-top: 1rem; font: inherit; padding: 0.5rem 1.25rem; }
.error { color: #a00; }
dl { display: grid; grid-template-columns: 8rem 1fr; color: #555; }
dd { margin: 0; overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>${escapeHtml(view.title)}</h1>
${view.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${
  c === undefined
    ? ''
    : `<dl>
<dt>Workflow</dt><dd>${escapeHtml(c.workflow)}</dd>
<dt>Run</dt><dd>${escapeHtml(c.runId)}</dd>
<dt>Checkpoint</dt><dd>${escapeHtml(c.step)}</dd>
<dt>You</dt><dd>${escapeHtml(c.approver)}</dd>
${c.deadline !== null ? `<dt>Deadline</dt><dd>${escapeHtml(c.deadline)}</dd>` : ''}
</dl>
<blockquote>${escapeHtml(c.message)}</blockquote>
${c.produced.map((p) => `<h2>What "${escapeHtml(p.stepId)}" produced</h2>\n<pre>${escapeHtml(p.output)}</pre>`).join('\n')}`
}
${
  form === undefined
    ? ''
    : `<form method="post">
${form.error !== undefined ? `<p class="error">${escapeHtml(form.error)}</p>` : ''}
${field}
<p>${escapeHtml(BUTTON[form.action])} → ${escapeHtml(form.outcome)}</p>
<button type="submit">${escapeHtml(BUTTON[form.action])}</button>
</form>`
}
</body>
</html>
`;
}
