import type { InputDeclaration } from '@chainmail/contracts';
import { checkJsonDepth } from '../json-body';

export type WebhookInputs = { ok: true; inputs: Record<string, unknown> } | { ok: false; reason: string };

/**
 * A webhook body as run inputs: a JSON object's fields become inputs (any other JSON value is
 * `{body: value}`), a form body's fields likewise, and the raw text is always `user_input`.
 * When the workflow declares inputs, only those are kept: a third party's payload carries many
 * fields the workflow never asked for, and undeclared inputs would refuse the run.
 */
export function webhookInputs(
  raw: Buffer,
  contentType: string | undefined,
  declared: InputDeclaration[],
): WebhookInputs {
  const text = raw.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  let fields: Record<string, unknown> = {};
  if (type.includes('json') || (type === '' && looksLikeJson(text))) {
    if (text.trim() !== '') {
      let value: unknown;
      try {
        // The bound of every JSON body, on the bytes before parsing: deeper data breaks what walks it.
        checkJsonDepth(raw);
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (type !== '')
          return { ok: false, reason: `the body is not valid JSON: ${(err as Error).message}` };
        value = undefined;
      }
      if (isObject(value)) fields = { ...value };
      else if (value !== undefined) fields = { body: value };
    }
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  if (declared.length > 0) {
    const names = new Set(declared.map((d) => d.name));
    fields = Object.fromEntries(Object.entries(fields).filter(([name]) => names.has(name)));
  }
  return { ok: true, inputs: { ...fields, user_input: text } };
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
