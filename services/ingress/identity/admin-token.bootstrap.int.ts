import { AuditLog } from '@chainmail/event-log';
import { createDataSource } from '@chainmail/persistence';
import {
  createTestDatabase,
  isolatedEventLog,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { ensureAdminToken } from './admin-token.bootstrap';
import { AuditRecorder } from './audit.recorder';
import { Authenticator } from './authenticator';
import { generateApiToken, IdentityStore } from '@chainmail/identity';

/** The first start's admin token, generated or from CHAINMAIL_ADMIN_TOKEN, on a database of its own per test. */

let log: IsolatedEventLog;
let audit: AuditRecorder;
const opened: { db: TestDatabase; ds: DataSource }[] = [];

beforeAll(async () => {
  log = await isolatedEventLog();
  audit = new AuditRecorder(new AuditLog(log.nc, log.names));
});

afterAll(async () => {
  for (const { db, ds } of opened) {
    await ds.destroy();
    await db.drop();
  }
  await log?.cleanup();
});

async function freshIdentities(): Promise<IdentityStore> {
  const db = await createTestDatabase('bootstrap');
  const ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 6 });
  opened.push({ db, ds });
  return new IdentityStore(ds);
}

function recordingLogger(): { lines: string[]; log: (m: string) => void; warn: (m: string) => void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

it('generates one admin token at first start, logs it once, and none at the next start', async () => {
  const identities = await freshIdentities();
  const logger = recordingLogger();
  // Two replicas starting together: one token.
  const outcomes = await Promise.all([
    ensureAdminToken(identities, audit, undefined, logger),
    ensureAdminToken(identities, audit, undefined, logger),
  ]);
  expect(outcomes.sort()).toEqual(['generated', 'present']);
  expect(logger.lines).toHaveLength(1);
  const token = /(cm_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(logger.lines[0])?.[1] ?? '';
  expect(token).not.toBe('');

  const actor = await new Authenticator(identities, undefined).authenticate(token);
  expect(actor).toMatchObject({
    userId: 'usr_admin',
    admin: true,
    scopes: ['read', 'run', 'write', 'admin'],
  });
  expect(await ensureAdminToken(identities, audit, undefined, logger)).toBe('present');
  expect(logger.lines).toHaveLength(1);
});

it('makes CHAINMAIL_ADMIN_TOKEN work, keeps a revoked one revoked, and refuses a taken id or a malformed value without echoing it', async () => {
  const identities = await freshIdentities();
  const logger = recordingLogger();
  const { token, id } = generateApiToken();
  expect(await ensureAdminToken(identities, audit, token, logger)).toBe('configured');
  expect(await ensureAdminToken(identities, audit, token, logger)).toBe('present');
  expect(logger.lines.join('\n')).not.toContain(token);
  await expect(new Authenticator(identities, undefined).authenticate(token)).resolves.toMatchObject({
    tokenId: id,
    scopes: ['read', 'run', 'write', 'admin'],
  });
  // An admin token exists now: without the variable, nothing is generated.
  expect(await ensureAdminToken(identities, audit, undefined, logger)).toBe('present');

  const impostor = `cm_${id}_${generateApiToken().secret}`;
  await expect(ensureAdminToken(identities, audit, impostor, logger)).rejects.toThrow(/id of another token/);

  await identities.tokens.revoke(id);
  expect(await ensureAdminToken(identities, audit, token, logger)).toBe('revoked');
  expect(logger.lines.at(-1)).toContain('stays revoked');
  // No working admin token is left: a restart without the variable generates one.
  expect(await ensureAdminToken(identities, audit, undefined, logger)).toBe('generated');

  const malformed = 'hunter2-not-a-token';
  const refused = ensureAdminToken(identities, audit, malformed, logger);
  await expect(refused).rejects.toThrow(/CHAINMAIL_ADMIN_TOKEN is not an API token: it must be cm_/);
  await expect(refused).rejects.not.toThrow(/hunter2/);
});
