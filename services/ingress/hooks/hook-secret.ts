/**
 * The value of a webhook trigger's `secret`. Until the secrets store exists, `{{secrets.NAME}}`
 * reads `CHAINMAIL_SECRET_NAME` (loaded once into the configuration); any other text is the
 * secret itself. Values are never logged or recorded: only the name appears in reasons.
 */
export type HookSecret = { ok: true; value: string } | { ok: false; reason: string };

const SECRET_REFERENCE = /^\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

export function resolveHookSecret(secret: string, values: Readonly<Record<string, string>>): HookSecret {
  const reference = SECRET_REFERENCE.exec(secret.trim());
  if (reference === null) {
    if (secret.includes('{{')) {
      return { ok: false, reason: 'the trigger secret is a template other than {{secrets.NAME}}' };
    }
    return { ok: true, value: secret };
  }
  const name = reference[1];
  const value = values[name] ?? values[name.toUpperCase()];
  if (value === undefined || value === '') {
    return { ok: false, reason: `secret ${name} is not set (CHAINMAIL_SECRET_${name.toUpperCase()})` };
  }
  return { ok: true, value };
}
