import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localMasterKeyFile } from './master-key-file';

describe('localMasterKeyFile', () => {
  it('makes 32 random bytes once, in the config dir, readable by its owner only', () => {
    const home = mkdtempSync(join(tmpdir(), 'cm-key-'));
    const first = localMasterKeyFile({ HOME: home });
    expect(first).toEqual({ path: join(home, '.config', 'chainmail', 'master.key'), created: true });
    const text = readFileSync(first?.path ?? '', 'utf8');
    expect(Buffer.from(text.trim(), 'base64')).toHaveLength(32);
    expect(statSync(first?.path ?? '').mode & 0o777).toBe(0o600);
    expect(localMasterKeyFile({ HOME: home })).toEqual({ path: first?.path, created: false });
    expect(readFileSync(first?.path ?? '', 'utf8')).toBe(text);
  });

  it("honours XDG_CONFIG_HOME, and leaves an operator's own key alone", () => {
    const xdg = mkdtempSync(join(tmpdir(), 'cm-xdg-'));
    expect(localMasterKeyFile({ XDG_CONFIG_HOME: xdg, HOME: '/nowhere' })?.path).toBe(
      join(xdg, 'chainmail', 'master.key'),
    );
    expect(localMasterKeyFile({ HOME: xdg, CHAINMAIL_MASTER_KEY: 'x' })).toBeUndefined();
    expect(localMasterKeyFile({ HOME: xdg, CHAINMAIL_MASTER_KEY_FILE: '/run/secrets/key' })).toBeUndefined();
    expect(localMasterKeyFile({})).toBeUndefined();
  });
});
