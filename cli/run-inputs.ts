import { isRecord, type Json } from './api-types';
import { UsageError } from './context';

/**
 * A run's inputs from the command line: `--inputs-file` (a JSON object) first, then each
 * `--input k=v` (a string) or `--input k:=<json>` (a JSON value), later ones winning.
 */
export function buildInputs(flags: readonly string[], fileText?: { name: string; text: string }): Json {
  const inputs: Json = fileText ? parseInputsFile(fileText.name, fileText.text) : {};
  for (const flag of flags) {
    const [key, value] = parseInputFlag(flag);
    inputs[key] = value;
  }
  return inputs;
}

export function parseInputFlag(flag: string): [string, unknown] {
  const eq = flag.indexOf('=');
  if (eq < 0) throw new UsageError(`--input "${flag}": expected KEY=VALUE or KEY:=JSON`);
  const isJson = eq > 0 && flag[eq - 1] === ':';
  const key = flag.slice(0, isJson ? eq - 1 : eq);
  if (key === '') throw new UsageError(`--input "${flag}": the key is empty`);
  const raw = flag.slice(eq + 1);
  if (!isJson) return [key, raw];
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    throw new UsageError(`--input "${flag}": the value after := is not valid JSON`);
  }
}

function parseInputsFile(name: string, text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${name}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(parsed)) throw new UsageError(`${name}: expected a JSON object of inputs`);
  return { ...parsed };
}
