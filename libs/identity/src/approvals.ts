import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CheckpointDecision } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';

/** `Jane <Jane@Acme.example>` → `jane@acme.example`. */
export function bareAddress(address: string): string {
  const inner = /<([^>]*)>/.exec(address)?.[1] ?? address;
  return inner.trim().toLowerCase();
}

/**
 * The mail addresses of a checkpoint's approvers: addresses as they are, `owner` as the run
 * owner's user (or its team's members), `team:<id>` as the team's members — users with an email.
 */
export class ApproverDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async addresses(approvers: readonly string[], owner: string): Promise<string[]> {
    const out = new Set<string>();
    const users: string[] = [];
    const teams: string[] = [];
    const add = (ref: string): void => {
      if (ref.startsWith('user:')) users.push(ref.slice('user:'.length));
      else if (ref.startsWith('team:')) teams.push(ref.slice('team:'.length));
      else if (ref.includes('@')) out.add(bareAddress(ref));
    };
    for (const approver of approvers) add(approver === 'owner' ? owner : approver);
    if (users.length > 0 || teams.length > 0) {
      const rows = (await this.dataSource.query(
        `SELECT lower(u.email) AS email FROM users AS u
         WHERE u.email IS NOT NULL
           AND (u.id = ANY($1) OR u.id IN (SELECT m.user_id FROM team_members AS m WHERE m.team_id = ANY($2)))`,
        [users, teams],
      )) as Array<{ email: string }>;
      for (const row of rows) out.add(row.email);
    }
    return [...out].sort();
  }

  /** Whether `sender` is one of the approvers (by bare address). */
  async includes(approvers: readonly string[], owner: string, sender: string): Promise<boolean> {
    return (await this.addresses(approvers, owner)).includes(bareAddress(sender));
  }
}

/** What one approval link may do: one decision at one visit of one checkpoint, for one approver. */
export interface ApprovalLinkClaims {
  runId: string;
  stepId: string;
  visit: number;
  /** The approver's address: the decision is recorded as theirs. */
  approver: string;
  action: CheckpointDecision;
  /** Epoch milliseconds after which the link does nothing. */
  expiresAt: number;
}

export type ReadLink = { ok: true; id: string; claims: ApprovalLinkClaims } | { ok: false; reason: string };

const ACTIONS: readonly CheckpointDecision[] = ['approve', 'reject', 'edit'];

/** The link's id: the same claims give the same id, so a mail sent again carries the same single-use links. */
export function approvalLinkId(claims: ApprovalLinkClaims): string {
  return createHash('sha256')
    .update(JSON.stringify([claims.runId, claims.stepId, claims.visit, claims.approver, claims.action]))
    .digest('base64url')
    .slice(0, 32);
}

/** `<claims, base64url JSON>.<HMAC-SHA256, base64url>`: what goes in the link's path. */
export function signApprovalLink(claims: ApprovalLinkClaims, key: Buffer): string {
  const body = Buffer.from(
    JSON.stringify({
      r: claims.runId,
      s: claims.stepId,
      v: claims.visit,
      a: claims.approver,
      d: claims.action,
      e: claims.expiresAt,
    }),
  ).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The claims of a link whose signature holds and that has not expired; else why not. */
export function readApprovalLink(token: string, key: Buffer, now: number): ReadLink {
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0) return { ok: false, reason: 'this is not an approval link' };
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'this approval link is not valid (its signature does not match)' };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'this is not an approval link' };
  }
  const { r, s, v, a, d, e } = raw;
  if (
    typeof r !== 'string' ||
    typeof s !== 'string' ||
    typeof v !== 'number' ||
    typeof a !== 'string' ||
    typeof e !== 'number' ||
    !ACTIONS.includes(d as CheckpointDecision)
  )
    return { ok: false, reason: 'this is not an approval link' };
  const claims: ApprovalLinkClaims = {
    runId: r,
    stepId: s,
    visit: v,
    approver: a,
    action: d as CheckpointDecision,
    expiresAt: e,
  };
  if (now > e) return { ok: false, reason: `this approval link expired at ${new Date(e).toISOString()}` };
  return { ok: true, id: approvalLinkId(claims), claims };
}

/** The single-use record of approval links (`approval_links`): a link acts once. */
export class ApprovalLinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Marks the link used; false when it was used before. */
  async use(id: string, claims: ApprovalLinkClaims): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO approval_links (id, run_id, step_id, visit, approver, action, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        id,
        claims.runId,
        claims.stepId,
        claims.visit,
        claims.approver,
        claims.action,
        new Date(claims.expiresAt),
      ],
    )) as unknown[];
    return rows.length === 1;
  }

  /** When the link was used, if it was. */
  async usedAt(id: string): Promise<Date | undefined> {
    const rows = (await this.dataSource.query(`SELECT used_at FROM approval_links WHERE id = $1`, [
      id,
    ])) as Array<{ used_at: Date }>;
    return rows[0]?.used_at;
  }

  /** Forgets links that expired over a week ago (their use no longer matters). */
  async prune(now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM approval_links WHERE expires_at < $1`, [
      new Date(now.getTime() - 7 * 86_400_000),
    ]);
  }
}
