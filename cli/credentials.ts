import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The CLI's saved tokens: `$XDG_CONFIG_HOME/chainmail/credentials.json` (else
 * `~/.config/chainmail/credentials.json`), mode 0600, one entry per server URL. `chainmail up`
 * saves the admin token it made; `chainmail login` saves the token it checked.
 */
export interface SavedCredential {
  token: string;
  /** `up`: the admin token `chainmail up` generated and hands its server; `login`: one the user gave. */
  source: 'up' | 'login';
  savedAt: string;
}

type Env = Readonly<Record<string, string | undefined>>;
type CredentialsFile = Record<string, SavedCredential>;

/** Where the file lives; undefined when the environment names no home (then nothing is saved). */
export function credentialsPath(env: Env): string | undefined {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'chainmail', 'credentials.json');
  if (env.HOME) return join(env.HOME, '.config', 'chainmail', 'credentials.json');
  return undefined;
}

export class CredentialStore {
  constructor(readonly path: string | undefined) {}

  static fromEnv(env: Env): CredentialStore {
    return new CredentialStore(credentialsPath(env));
  }

  get(url: string): SavedCredential | undefined {
    return this.read()[normalizeUrl(url)];
  }

  /** Saves atomically (a temporary file renamed over the old one), readable by its owner only. */
  save(url: string, token: string, source: SavedCredential['source'], now: Date): void {
    if (this.path === undefined)
      throw new Error('no home directory to save credentials in (set HOME or XDG_CONFIG_HOME)');
    const all = this.read();
    all[normalizeUrl(url)] = { token, source, savedAt: now.toISOString() };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }

  private read(): CredentialsFile {
    if (this.path === undefined) return {};
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
      const out: CredentialsFile = {};
      for (const [url, entry] of Object.entries(parsed as Record<string, unknown>)) {
        const e = entry as Partial<SavedCredential> | null;
        if (e && typeof e.token === 'string') {
          out[url] = {
            token: e.token,
            source: e.source === 'up' ? 'up' : 'login',
            savedAt: String(e.savedAt ?? ''),
          };
        }
      }
      return out;
    } catch {
      return {};
    }
  }
}

/** `http://127.0.0.1:8080/` and `http://127.0.0.1:8080` are one server. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A new API token in the server's format (`cm_<16 hex>_<32 random bytes, base64url>`). */
export function generateToken(): string {
  return `cm_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}
