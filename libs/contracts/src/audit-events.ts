/**
 * Audit entries: who did what to whom, on the `AUDIT` stream (`audit.<action>`, deny delete and
 * purge). Appended by the service that performs the action, with the actor of the request.
 */
export type AuditAction =
  | 'user.created'
  | 'team.created'
  | 'team.member.added'
  | 'team.member.role_changed'
  | 'team.member.removed'
  | 'token.created'
  | 'token.revoked'
  | 'workflow.rolled_back'
  | 'schedule.paused'
  | 'schedule.resumed'
  | 'secret.written'
  | 'secret.deleted'
  | 'variable.written'
  | 'variable.deleted';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'user.created',
  'team.created',
  'team.member.added',
  'team.member.role_changed',
  'team.member.removed',
  'token.created',
  'token.revoked',
  'workflow.rolled_back',
  'schedule.paused',
  'schedule.resumed',
  'secret.written',
  'secret.deleted',
  'variable.written',
  'variable.deleted',
];

export interface AuditEntry {
  /** Unique; also the message id, so a retried append is stored once. */
  id: string;
  at: string;
  action: AuditAction;
  /** Who: the user, and the token used (null for an OpenID Connect login or the system itself). */
  actor: { userId: string; tokenId: string | null };
  /** To what: `{kind: 'token', id}`, `{kind: 'workflow', id: name}`, `{kind: 'team', id}`… */
  target: { kind: string; id: string };
  /** What else matters: a role before and after, versions, scopes. Never a secret's value. */
  details?: Record<string, unknown>;
}
