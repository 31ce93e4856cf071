import type { AuditAction, AuditEntry } from '@chainmail/contracts';
import { isolatedEventLog, type IsolatedEventLog } from '@chainmail/testing';
import { AuditLog } from './audit-log';

let log: IsolatedEventLog;
let audit: AuditLog;

beforeAll(async () => {
  log = await isolatedEventLog();
  audit = new AuditLog(log.nc, log.names);
});
afterAll(async () => {
  await log?.cleanup();
});

const entry = (n: number, action: AuditAction, userId = 'u1', target = `t${n}`): AuditEntry => ({
  id: `e${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  action,
  actor: { userId, tokenId: 'tok' },
  target: { kind: 'token', id: target },
});

it('appends once per id and lists newest first, filtered by action group, actor and target, paged by sequence', async () => {
  const actions: AuditAction[] = [
    'token.created',
    'team.member.added',
    'token.revoked',
    'workflow.rolled_back',
  ];
  for (let n = 0; n < 600; n++) await audit.append(entry(n, actions[n % 4], n % 2 === 0 ? 'u1' : 'u2'));
  await audit.append(entry(599, 'workflow.rolled_back', 'u2'));

  const newest = await audit.list({ limit: 3 });
  expect(newest.map((e) => e.id)).toEqual(['e599', 'e598', 'e597']);
  expect(newest[0].seq).toBe(600);

  const tokens = await audit.list({ action: 'token', limit: 500 });
  expect(tokens).toHaveLength(300);
  expect(new Set(tokens.map((e) => e.action))).toEqual(new Set(['token.created', 'token.revoked']));
  expect(
    (await audit.list({ action: 'token.revoked', limit: 500 })).every((e) => e.action === 'token.revoked'),
  ).toBe(true);
  expect(await audit.list({ action: 'team.member', limit: 1 })).toMatchObject([
    { id: 'e597', action: 'team.member.added' },
  ]);

  expect((await audit.list({ actor: 'u2', limit: 500 })).every((e) => e.actor.userId === 'u2')).toBe(true);
  expect(await audit.list({ target: 't5' })).toMatchObject([{ id: 'e5' }]);

  const page2 = await audit.list({ before: newest[2].seq, limit: 2 });
  expect(page2.map((e) => e.id)).toEqual(['e596', 'e595']);
  expect(await audit.list({ since: new Date(Date.UTC(2026, 0, 1, 0, 9, 58)) })).toHaveLength(2);
});

it('refuses to delete or purge entries', async () => {
  const jsm = await log.nc.jetstreamManager();
  await expect(jsm.streams.deleteMessage(log.names.auditStream, 1)).rejects.toThrow(/not permitted/);
  await expect(jsm.streams.purge(log.names.auditStream)).rejects.toThrow(/not permitted/);
});
