import { otherTemplatesIn, secretNamesIn } from '../secrets/secret-refs';

/** A problem with one field of an agent entry, named by its path (`config.baseUrl`). */
export interface FieldIssue {
  field: string;
  message: string;
}

type Json = Record<string, unknown>;

/** Header names whose values are credentials: they must come from a secret. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Reads a kind's config object field by field, collecting every problem with its path instead of
 * stopping at the first, and leaving out what is wrong. Unknown keys are errors (with a "did you mean").
 */
export class ConfigFields {
  readonly issues: FieldIssue[] = [];
  readonly out: Json = {};

  constructor(
    private readonly config: Json,
    private readonly known: readonly string[],
    private readonly prefix = 'config',
  ) {
    for (const key of Object.keys(config)) {
      if (known.includes(key)) continue;
      const near = closest(key, known);
      this.add(
        key,
        `unknown field${near ? `; did you mean ${near}?` : ''} (${this.prefix} takes ${known.join(', ')})`,
      );
    }
  }

  add(key: string, message: string): void {
    this.issues.push({ field: `${this.prefix}.${key}`, message });
  }

  string(key: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) {
      if (options.required) this.add(key, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || (options.required && value.trim() === '')) {
      this.add(key, options.required ? 'must be a non-empty string' : 'must be a string');
      return undefined;
    }
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      this.add(key, `must be at most ${options.maxLength} characters`);
      return undefined;
    }
    if (!this.noTemplates(key, value)) return undefined;
    this.out[key] = value;
    return value;
  }

  url(key: string, options: { required?: boolean } = {}): string | undefined {
    const raw = this.config[key];
    const text = this.string(key, options);
    if (text === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      this.add(key, `must be an http(s) URL, got ${JSON.stringify(raw)}`);
      delete this.out[key];
      return undefined;
    }
    if (url.username !== '' || url.password !== '') {
      this.add(key, 'must not carry credentials; use a secret reference in apiKey, secret or headers');
      delete this.out[key];
      return undefined;
    }
    return text;
  }

  number(key: string, options: { min: number; max: number; integer?: boolean }): number | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= options.min &&
      value <= options.max &&
      (!options.integer || Number.isInteger(value));
    if (!ok) {
      this.add(
        key,
        `must be ${options.integer ? 'a whole number' : 'a number'} from ${options.min} to ${options.max}`,
      );
      return undefined;
    }
    this.out[key] = value;
    return value;
  }

  /** A credential: only `{{secrets.NAME}}` is accepted, so no key ever reaches the (undeletable) log. */
  secretRef(key: string): string | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !/^\s*\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}\s*$/.test(value)) {
      this.add(
        key,
        'must be a secret reference such as "{{secrets.OPENAI_API_KEY}}" (set its value with chainmail secrets set OPENAI_API_KEY); a literal key would be written to the event log for good',
      );
      return undefined;
    }
    this.out[key] = value.trim();
    return value;
  }

  headers(key: string): Record<string, string> | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(key, 'must be a map of header name to value');
      return undefined;
    }
    const headers: Record<string, string> = {};
    let ok = true;
    for (const [name, v] of Object.entries(value as Json)) {
      const field = `${key}.${name}`;
      if (!HEADER_NAME.test(name)) {
        this.add(field, 'is not a valid header name');
        ok = false;
      } else if (typeof v !== 'string' || /[\r\n]/.test(v)) {
        this.add(field, 'must be a one-line string');
        ok = false;
      } else if (CREDENTIAL_HEADERS.has(name.toLowerCase()) && secretNamesIn(v).length === 0) {
        this.add(
          field,
          `carries a credential: write it with a secret reference, e.g. "Bearer {{secrets.TOKEN}}"`,
        );
        ok = false;
      } else if (this.noTemplates(field, v)) {
        headers[name] = v;
      } else {
        ok = false;
      }
    }
    if (!ok) return undefined;
    this.out[key] = headers;
    return headers;
  }

  private noTemplates(key: string, value: string): boolean {
    const others = otherTemplatesIn(value);
    if (others.length === 0) return true;
    this.add(key, `may hold only {{secrets.NAME}} references, not ${others[0]}`);
    return false;
  }
}

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The known key nearest to a misspelt one (edit distance ≤ 2, or a case-only difference). */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d =
      candidate.toLowerCase() === key.toLowerCase().replace(/_/g, '')
        ? 0
        : distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] ?? 0;
}
