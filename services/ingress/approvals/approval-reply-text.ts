import { stripReply } from '@chainmail/agents';
import type { ApproverAnswer } from './approver-decision.usecase';

/** `approve`, `Approved.`, `reject: too expensive` — the first word decides; what follows is the comment. */
const DECISION = /^(approved?|reject(?:ed)?)\b[\s:.,;!-]*([\s\S]*)$/i;

/**
 * What a reply to a checkpoint mail says, once quoted history and signature are stripped: its
 * first word `approve` or `reject` (a comment may follow), else the whole text is an edit, the new
 * input. No text at all decides nothing.
 */
export function approvalReplyText(text: string): ApproverAnswer | undefined {
  const own = stripReply(text).trim();
  // stripReply keeps the whole text when nothing is the sender's own: here that decides nothing.
  if (own.split('\n').every((line) => line.trim() === '' || /^\s*>/.test(line))) return undefined;
  const decision = DECISION.exec(own);
  if (decision === null) return { action: 'edit', input: own };
  const comment = decision[2].trim();
  return {
    action: decision[1].toLowerCase().startsWith('approve') ? 'approve' : 'reject',
    ...(comment !== '' ? { comment } : {}),
  };
}
