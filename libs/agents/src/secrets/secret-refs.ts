import { AgentError, type SecretValues } from '../agent';

/**
 * `{{secrets.NAME}}` in agent configuration. The directory stores the reference; the value comes
 * with the call (the run owner's secret, resolved by execution), is used for the request only,
 * and masked in anything an error may carry.
 */
const SECRET_REF = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ANY_TEMPLATE = /\{\{[\s\S]*?\}\}/g;
/** Shorter values would mask ordinary words in messages; they are weak secrets anyway. */
const MIN_MASKED_LENGTH = 4;

/** Names referenced by a text, in order. */
export function secretNamesIn(text: string): string[] {
  return [...text.matchAll(SECRET_REF)].map((m) => m[1] ?? '');
}

/** Every name referenced anywhere in an agent's configuration (strings, header maps, nested values). */
export function secretNamesInConfig(config: unknown): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const name of secretNamesIn(value)) names.add(name);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(config);
  return [...names];
}

/** Templates in a text that are not secret references (`{{inputs.x}}` has no meaning in agent config). */
export function otherTemplatesIn(text: string): string[] {
  return (text.match(ANY_TEMPLATE) ?? []).filter((t) => !new RegExp(`^${SECRET_REF.source}$`).test(t));
}

/** Replaces each reference with its value; a missing secret is a permanent failure naming what to set. */
export function resolveSecrets(
  text: string,
  values: SecretValues,
  where: string,
): { text: string; used: string[] } {
  const used: string[] = [];
  const resolved = text.replace(SECRET_REF, (_ref, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (value === undefined) {
      throw new AgentError(
        'AGENT_FAILED',
        `${where} needs the secret ${name}, which is not set for this run's owner: set it with chainmail secrets set ${name}`,
        false,
      );
    }
    used.push(value);
    return value;
  });
  return { text: resolved, used };
}

/** Masks every occurrence of the given secret values (an upstream error may echo a key back). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length < MIN_MASKED_LENGTH) continue;
    masked = masked.split(secret).join('***');
  }
  return masked;
}
