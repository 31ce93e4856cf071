import { secretNamesInConfig, type AgentEntry, type SecretValues } from '@chainmail/agents';
import { canonicalOwner, type StepError } from '@chainmail/contracts';
import { Redactor, type SecretStore } from '@chainmail/secrets';

/** Who registers the bindings of `CHAINMAIL_MODEL_URL` (the registry's model loader). */
const OPERATOR_BINDING_BY = 'config';

/** What one agent call may use, and what must be masked in whatever comes back. */
export type CallSecrets =
  | { ok: true; values: SecretValues; redactor: Redactor }
  | { ok: false; error: StepError; redactor: Redactor };

/**
 * The secrets of one agent call, read at the moment of use: the values the agent's configuration
 * names, from the run owner's secrets only. Entries the operator's own configuration binds
 * (`CHAINMAIL_MODEL_URL`) may also read the operator's `CHAINMAIL_SECRET_*` values; no other entry
 * ever does. The redactor masks every value of the owner (and the operator values used): the
 * agent's answer or error may echo any of them.
 */
export class RunSecrets {
  constructor(
    private readonly store: Pick<SecretStore, 'reveal' | 'unlocked'> | undefined,
    private readonly operatorValues: Readonly<Record<string, string>> = {},
  ) {}

  async forCall(runOwner: string, entry: AgentEntry | undefined): Promise<CallSecrets> {
    // Builtins run in-process on the step's input alone: they hold no secret and can echo none.
    if (entry === undefined || entry.kind === 'builtin')
      return { ok: true, values: {}, redactor: NO_SECRETS };
    const owner = canonicalOwner(runOwner);
    const names = secretNamesInConfig(entry.config);
    const operator = entry.registeredBy === OPERATOR_BINDING_BY;
    const values: Record<string, string> = {};
    const seen: string[] = [];
    if (operator) {
      for (const name of names) {
        const value = this.operatorValues[name];
        if (value !== undefined) {
          values[name] = value;
          seen.push(value);
        }
      }
    }
    const wanted = names.filter((name) => values[name] === undefined);
    let ownerValues = new Map<string, string>();
    if (this.store?.unlocked === true) {
      try {
        ownerValues = await this.store.reveal(owner);
      } catch (err) {
        return failure('SECRETS_UNAVAILABLE', (err as Error).message, seen);
      }
    } else if (wanted.length > 0) {
      return failure(
        'SECRETS_UNAVAILABLE',
        `${entry.address} needs the secret ${wanted[0]}, but secrets cannot be read: this server has no master key (set CHAINMAIL_MASTER_KEY or CHAINMAIL_MASTER_KEY_FILE)`,
        seen,
      );
    }
    seen.push(...ownerValues.values());
    for (const name of wanted) {
      const value = ownerValues.get(name);
      if (value === undefined) {
        const team = owner.startsWith('team:') ? ` --team ${owner.slice('team:'.length)}` : '';
        return failure(
          'SECRET_MISSING',
          `secret ${name} is not set for ${owner}; set it with chainmail secrets set ${name}${team} (${entry.address} needs it)`,
          seen,
        );
      }
      values[name] = value;
    }
    return { ok: true, values, redactor: new Redactor(seen) };
  }
}

const NO_SECRETS = new Redactor([]);

function failure(code: string, message: string, seen: string[]): CallSecrets {
  const redactor = new Redactor(seen);
  return { ok: false, error: { code, message: redactor.mask(message), retryable: false }, redactor };
}
