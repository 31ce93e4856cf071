import { randomBytes } from 'node:crypto';
import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { masterKeyFrom } from './master-key';
import { SecretStore, SecretsUnavailable } from './secret-store';
import { VariableStore } from './variable-store';

describe('SecretStore and VariableStore (Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const master = masterKeyFrom(randomBytes(32).toString('base64'), 'test');
  let store: SecretStore;

  beforeAll(async () => {
    db = await createTestDatabase('secrets');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 3 });
    store = new SecretStore(ds, master);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('stores values sealed: the table holds no plaintext, and reveal opens them', async () => {
    await store.put('user:a', 'API_KEY', 'plain-marker-0001', 'usr_a');
    const dump = JSON.stringify(await ds.query(`SELECT * FROM secrets`));
    const raw = (await ds.query(`SELECT ciphertext, wrapped_key FROM secrets`)) as { ciphertext: Buffer }[];
    expect(dump).not.toContain('plain-marker-0001');
    expect(raw[0]?.ciphertext.includes(Buffer.from('plain-marker'))).toBe(false);
    expect(await store.reveal('user:a', ['API_KEY'])).toEqual(new Map([['API_KEY', 'plain-marker-0001']]));
  });

  it('keeps owners apart: same name, other owner, other value; listing by owner', async () => {
    await store.put('team:t', 'API_KEY', 'team-value-0002', 'usr_b');
    expect((await store.reveal('team:t')).get('API_KEY')).toBe('team-value-0002');
    expect((await store.reveal('user:a')).get('API_KEY')).toBe('plain-marker-0001');
    expect((await store.reveal('user:nobody')).size).toBe(0);
    const listed = await store.list(['team:t']);
    expect(listed).toEqual([
      expect.objectContaining({ owner: 'team:t', name: 'API_KEY', createdBy: 'usr_b' }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('team-value');
    expect(await store.info('team:x', 'API_KEY')).toBeUndefined();
  });

  it('rotates: a new write is the next version and the next reveal sees it', async () => {
    const first = await store.put('user:r', 'ROTATE', 'first-value', 'usr_r');
    const second = await store.put('user:r', 'ROTATE', 'second-value', 'usr_q');
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.createdBy).toBe('usr_r');
    expect(second.updatedBy).toBe('usr_q');
    expect((await store.reveal('user:r', ['ROTATE'])).get('ROTATE')).toBe('second-value');
  });

  it('a ciphertext moved onto another secret does not open', async () => {
    await store.put('user:m', 'VICTIM', 'victim-value', 'usr_m');
    await store.put('user:evil', 'STOLEN', 'placeholder', 'usr_evil');
    await ds.query(
      `UPDATE secrets SET (ciphertext, iv, tag, wrapped_key, key_id) =
         (SELECT ciphertext, iv, tag, wrapped_key, key_id FROM secrets WHERE owner = 'user:m' AND name = 'VICTIM')
       WHERE owner = 'user:evil' AND name = 'STOLEN'`,
    );
    await expect(store.reveal('user:evil', ['STOLEN'])).rejects.toThrow(SecretsUnavailable);
    expect((await store.reveal('user:m', ['VICTIM'])).get('VICTIM')).toBe('victim-value');
  });

  it('another master key cannot read, and no master key refuses writes and reads naming the settings', async () => {
    const other = new SecretStore(ds, masterKeyFrom(randomBytes(32).toString('base64'), 'other'));
    await expect(other.reveal('user:a', ['API_KEY'])).rejects.toThrow(/cannot be read/);
    const locked = new SecretStore(ds, undefined);
    await expect(locked.put('user:a', 'X_KEY', 'value-x', 'usr_a')).rejects.toThrow(
      /CHAINMAIL_MASTER_KEY or CHAINMAIL_MASTER_KEY_FILE/,
    );
    await expect(locked.reveal('user:a')).rejects.toThrow(SecretsUnavailable);
    // What needs no value still works.
    expect((await locked.list(['user:a'])).map((s) => s.name)).toEqual(['API_KEY']);
    expect(await locked.namesOf('user:a')).toEqual(new Set(['API_KEY']));
  });

  it('deletes, and refuses bad names and too short values', async () => {
    await store.put('user:d', 'GONE', 'gone-value', 'usr_d');
    expect((await store.delete('user:d', 'GONE'))?.name).toBe('GONE');
    expect(await store.delete('user:d', 'GONE')).toBeUndefined();
    await expect(store.put('user:d', '1bad', 'value', 'usr_d')).rejects.toThrow(/secret name/);
    await expect(store.put('user:d', 'SHORT', 'abc', 'usr_d')).rejects.toThrow(/at least 4/);
  });

  it('variables: versions, deletion as a version, history, per-owner values', async () => {
    const vars = new VariableStore(ds);
    expect((await vars.put('team:v', 'region', 'eu', 'usr_1')).version).toBe(1);
    expect((await vars.put('team:v', 'region', 'us', 'usr_2')).version).toBe(2);
    await vars.put('team:v', 'limits', { max: 3 }, 'usr_1');
    await vars.put('team:w', 'region', 'ap', 'usr_3');
    expect(await vars.valuesOf('team:v')).toEqual({ limits: { max: 3 }, region: 'us' });
    expect((await vars.delete('team:v', 'region', 'usr_1'))?.version).toBe(3);
    expect(await vars.delete('team:v', 'region', 'usr_1')).toBeUndefined();
    expect(await vars.current('team:v', 'region')).toBeUndefined();
    expect(
      (await vars.history('team:v', 'region')).map((v) => [v.version, v.value, v.deleted, v.by]),
    ).toEqual([
      [3, undefined, true, 'usr_1'],
      [2, 'us', false, 'usr_2'],
      [1, 'eu', false, 'usr_1'],
    ]);
    expect((await vars.put('team:v', 'region', 'eu', 'usr_1')).version).toBe(4);
    expect(await vars.valuesOf('team:w')).toEqual({ region: 'ap' });
    // Concurrent writers each get a version of their own.
    const many = await Promise.all([1, 2, 3, 4, 5].map((n) => vars.put('team:c', 'n', n, 'usr_c')));
    expect(many.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
