import { Logger } from '@nestjs/common';
import { SCOPES } from '@chainmail/contracts';
import type { AuditRecorder } from './audit.recorder';
import { SYSTEM_ACTOR } from './audit.recorder';
import {
  ADMIN_USER_ID,
  generateApiToken,
  hashSecret,
  parseApiToken,
  secretMatches,
  TOKEN_SHAPE_HELP,
  type IdentityStore,
} from '@chainmail/identity';

/** Arbitrary but fixed: ingress replicas starting together create one admin token. */
const BOOTSTRAP_LOCK_KEY = 7_305_846_512_938_002;

export type BootstrapOutcome = 'configured' | 'present' | 'generated' | 'revoked';

/**
 * The first start's admin: `CHAINMAIL_ADMIN_TOKEN` when set (operators, CI, `chainmail up`) is
 * made to exist — added if its id is new, refused at start if the id is taken by another secret,
 * left alone (and said so) if it was revoked. Without it, a token is generated when no working
 * admin token exists, and written once to the log: the only place it is ever shown.
 */
export async function ensureAdminToken(
  identities: IdentityStore,
  audit: AuditRecorder,
  configured: string | undefined,
  logger: Pick<Logger, 'log' | 'warn'> = new Logger('identity'),
): Promise<BootstrapOutcome> {
  const parts = configured === undefined ? undefined : parseApiToken(configured.trim());
  if (configured !== undefined && parts === undefined) {
    // Never echo the value: it is a credential, even when malformed.
    throw new Error(`CHAINMAIL_ADMIN_TOKEN is not an API token: it must be ${TOKEN_SHAPE_HELP}.`);
  }
  return identities.transaction(async (tx) => {
    // Raw SQL: an advisory lock is not something TypeORM can say.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
    await identities.users.ensure({ id: ADMIN_USER_ID, name: 'admin', email: null, admin: true }, tx);
    let token: string;
    let id: string;
    let secret: string;
    if (parts !== undefined) {
      const existing = await identities.tokens.credential(parts.id, tx);
      if (existing && !secretMatches(parts.secret, existing.secretHash)) {
        throw new Error(
          `CHAINMAIL_ADMIN_TOKEN has the id of another token (${parts.id}) with a different secret; generate a new one (chainmail tokens generate).`,
        );
      }
      if (existing?.revokedAt) {
        logger.warn(
          `CHAINMAIL_ADMIN_TOKEN (${parts.id}) was revoked at ${existing.revokedAt}; it stays revoked.`,
        );
        return 'revoked';
      }
      if (existing) return 'present';
      ({ id, secret } = parts);
      token = configured ?? '';
    } else {
      if (await identities.tokens.hasActiveAdmin(tx)) return 'present';
      ({ id, secret, token } = generateApiToken());
    }
    await identities.tokens.insert(
      {
        id,
        userId: ADMIN_USER_ID,
        name: parts !== undefined ? 'admin (CHAINMAIL_ADMIN_TOKEN)' : 'admin (first start)',
        secretHash: hashSecret(secret),
        scopes: [...SCOPES],
        createdBy: SYSTEM_ACTOR.userId,
        expiresAt: null,
      },
      tx,
    );
    await audit.record(
      SYSTEM_ACTOR,
      'token.created',
      { kind: 'token', id },
      {
        userId: ADMIN_USER_ID,
        name: 'admin',
        scopes: [...SCOPES],
        source: parts !== undefined ? 'CHAINMAIL_ADMIN_TOKEN' : 'generated',
      },
    );
    if (parts !== undefined) {
      logger.log(`admin token ${id} from CHAINMAIL_ADMIN_TOKEN is ready`);
      return 'configured';
    }
    logger.warn(
      `First start: created the admin API token. It is shown here once and stored only hashed:\n\n    ${token}\n\n` +
        `Use it as "Authorization: Bearer <token>", with \`chainmail login\`, or as CHAINMAIL_TOKEN. ` +
        `Set CHAINMAIL_ADMIN_TOKEN to choose it yourself.`,
    );
    return 'generated';
  });
}
