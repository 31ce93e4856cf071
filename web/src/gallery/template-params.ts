import type { TemplateParameter } from '../api/gallery';

/** A parameter's value in the form: a checkbox for a boolean, text for the others. */
export type ParamFormValue = string | boolean;

export function initialParamValues(parameters: readonly TemplateParameter[]): Record<string, ParamFormValue> {
  return Object.fromEntries(
    parameters.map((p) => [p.name, p.type === 'boolean' ? p.default === true : String(p.default)]),
  );
}

/**
 * The parameters to send with `use`: only those changed from their default (the others take it on
 * the server), a number as a number when it reads as one. Anything else goes as typed, so the
 * server's check names what is wrong with it.
 */
export function paramsToSend(
  parameters: readonly TemplateParameter[],
  values: Readonly<Record<string, ParamFormValue>>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const p of parameters) {
    const value = values[p.name];
    if (value === undefined) continue;
    if (typeof value === 'boolean') {
      if (value !== p.default) out[p.name] = value;
      continue;
    }
    const text = p.type === 'agent' ? value.trim() : value;
    if (text === String(p.default)) continue;
    const number = Number(text);
    out[p.name] = p.type === 'number' && text.trim() !== '' && Number.isFinite(number) ? number : text;
  }
  return out;
}

/** Run inputs as the test-run form's texts: text as it is, anything else as JSON. */
export function inputTexts(inputs: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
