/**
 * A config as the directory shows it: secret references stay (they are names, not values), and
 * any other value under a credential-like key is masked, should one ever have been stored.
 */
const CREDENTIAL_KEY = /key|secret|token|password|passwd|authorization|cookie|credential/i;
const ONLY_REFS = /^(?:\s*\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}\s*|[^{}])*$/;
const HAS_REF = /\{\{\s*secrets\./;

export function maskConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return mask(config, false) as Record<string, unknown>;
}

function mask(value: unknown, sensitive: boolean): unknown {
  if (typeof value === 'string')
    return sensitive && !(HAS_REF.test(value) && ONLY_REFS.test(value)) ? '***' : value;
  if (Array.isArray(value)) return value.map((v) => mask(v, sensitive));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mask(v, sensitive || CREDENTIAL_KEY.test(k))]),
    );
  }
  return value;
}
