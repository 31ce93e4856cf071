/**
 * The value of a webhook trigger's `secret`: `{{secrets.NAME}}` is the workflow owner's secret
 * NAME, read from the secrets store when a call arrives (so a rotation applies to the next call);
 * any other text is the secret itself. Values are never logged or recorded: only the name (and
 * the owner) appear in reasons.
 */
export type HookSecret = { ok: true; value: string } | { ok: false; reason: string };

/** The owner's value of a secret, or undefined; throws when secrets cannot be read at all. */
export type SecretLookup = (owner: string, name: string) => Promise<string | undefined>;

const SECRET_REFERENCE = /^\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

export async function resolveHookSecret(
  secret: string,
  owner: string,
  lookup: SecretLookup,
): Promise<HookSecret> {
  const reference = SECRET_REFERENCE.exec(secret.trim());
  if (reference === null) {
    if (secret.includes('{{')) {
      return { ok: false, reason: 'the trigger secret is a template other than {{secrets.NAME}}' };
    }
    return { ok: true, value: secret };
  }
  const name = reference[1] ?? '';
  let value: string | undefined;
  try {
    value = await lookup(owner, name);
  } catch (err) {
    return { ok: false, reason: `secret ${name} cannot be read: ${(err as Error).message}` };
  }
  if (value === undefined || value === '') {
    return { ok: false, reason: `secret ${name} is not set for ${owner} (chainmail secrets set ${name})` };
  }
  return { ok: true, value };
}
