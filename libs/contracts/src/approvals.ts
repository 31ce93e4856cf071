/**
 * The answer items of `GET /v1/approvals`: one definition for the server that lists them and the
 * console that shows them.
 */

/** A checkpoint visit a run waits at, for the list of what waits for a decision. */
export interface PendingApproval {
  runId: string;
  workflow: string;
  version: number;
  owner: string;
  step: string;
  visit: number;
  message: string;
  /** What each decision does (`continue`, `abort`, `goto draft`). */
  actions: Record<string, string> | null;
  /** Who may decide by mail or link (addresses, `owner`, `team:<id>`); null: older runs. */
  approvers: string[] | null;
  deadline: string | null;
  /** Since when it waits. */
  openedAt: string | null;
  /** The last output before the checkpoint (the draft it waits on); null when none came before it. */
  draft: { step: string; output: string } | null;
}
