import type { InputDeclaration, InputType } from '@chainmail/contracts';
import { IDENTIFIER, UNSAFE_NAMES, type ParseContext } from './context';
import { childPath, toPlain } from './reader';
import type { MapEntry, YNode } from './yaml-tree';
import { SCOPE_NAMES } from '../template/scope';

const INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
const INPUT_KEYS = ['name', 'type', 'required', 'default', 'description'];

/**
 * `inputs:` as the seed writes it (a list of `{name, type, required}`), or as a map
 * (`{topic: {type: string, required: true}}`, `{topic: string}`). A bare name in the list is a
 * optional string input.
 */
export function readInputs(ctx: ParseContext, entry: MapEntry | undefined): InputDeclaration[] {
  if (entry === undefined) return [];
  const node = entry.value;
  const out: InputDeclaration[] = [];
  if (node.kind === 'scalar' && node.value === null) return out;
  if (node.kind === 'seq') {
    node.items.forEach((item, index) => {
      const path = `inputs[${index}]`;
      if (item.kind === 'scalar' && typeof item.value === 'string') {
        const name = checkName(ctx, item.value, path, item.offset);
        if (name !== undefined)
          addUnique(ctx, out, { name, type: 'string', required: false }, path, item.offset);
        return;
      }
      const declared = readDeclaration(ctx, item, path, undefined);
      if (declared !== undefined) addUnique(ctx, out, declared, path, item.offset);
    });
    return out;
  }
  if (node.kind === 'map') {
    for (const field of node.entries) {
      const path = childPath('inputs', field.key);
      const name = checkName(ctx, field.key, path, field.keyOffset);
      if (name === undefined) continue;
      const value = field.value;
      let declared: InputDeclaration | undefined;
      if (value.kind === 'scalar' && value.value === null)
        declared = { name, type: 'string', required: false };
      else if (value.kind === 'scalar') {
        const type = ctx.reader.choice(value, path, 'input type', INPUT_TYPES);
        declared = type === undefined ? undefined : { name, type, required: false };
      } else declared = readDeclaration(ctx, value, path, name);
      if (declared !== undefined) addUnique(ctx, out, declared, path, field.keyOffset);
    }
    return out;
  }
  ctx.reader.seq(node, 'inputs', 'inputs');
  return out;
}

function readDeclaration(
  ctx: ParseContext,
  node: YNode,
  path: string,
  mapName: string | undefined,
): InputDeclaration | undefined {
  const map = ctx.reader.map(node, path, 'an input');
  if (map === undefined) return undefined;
  const keys = mapName === undefined ? INPUT_KEYS : INPUT_KEYS.filter((key) => key !== 'name');
  const fields = ctx.reader.fields(map, path, keys, 'an input');
  let name = mapName;
  if (name === undefined) {
    const nameEntry = ctx.reader.required(fields, 'name', map, path, 'an input');
    const text =
      nameEntry === undefined
        ? undefined
        : ctx.reader.string(nameEntry.value, childPath(path, 'name'), 'input name');
    name =
      text === undefined || nameEntry === undefined
        ? undefined
        : checkName(ctx, text, childPath(path, 'name'), nameEntry.value.offset);
  }
  const typeEntry = fields.get('type');
  const type: InputType | undefined =
    typeEntry === undefined
      ? 'string'
      : ctx.reader.choice(typeEntry.value, childPath(path, 'type'), 'input type', INPUT_TYPES);
  const requiredEntry = fields.get('required');
  const required =
    requiredEntry === undefined
      ? false
      : ctx.reader.boolean(requiredEntry.value, childPath(path, 'required'), 'required');
  const descriptionEntry = fields.get('description');
  const description =
    descriptionEntry === undefined
      ? undefined
      : ctx.reader.text(descriptionEntry.value, childPath(path, 'description'), 'description');
  if (name === undefined || type === undefined || required === undefined) return undefined;
  const declared: InputDeclaration = { name, type, required };
  if (description !== undefined) declared.description = description;
  const defaultEntry = fields.get('default');
  if (defaultEntry !== undefined) {
    const value = toPlain(defaultEntry.value);
    if (matchesType(value, type)) declared.default = value;
    else
      ctx.issues.add(
        'INVALID_VALUE',
        `the default of input "${name}" is not a ${type}`,
        childPath(path, 'default'),
        defaultEntry.value.offset,
      );
  }
  return declared;
}

function checkName(ctx: ParseContext, name: string, path: string, offset: number): string | undefined {
  if (!IDENTIFIER.test(name) || name.length > 64 || UNSAFE_NAMES.has(name)) {
    ctx.issues.add(
      'INVALID_VALUE',
      `"${name}" is not a valid input name`,
      path,
      offset,
      'use letters, digits and "_", starting with a letter, so {{name}} can read it',
    );
    return undefined;
  }
  if (SCOPE_NAMES.has(name)) {
    ctx.issues.add(
      'NAME_CLASH',
      `"${name}" is a reserved name in templates`,
      path,
      offset,
      'rename the input',
    );
    return undefined;
  }
  return name;
}

function addUnique(
  ctx: ParseContext,
  out: InputDeclaration[],
  declared: InputDeclaration,
  path: string,
  offset: number,
): void {
  if (out.some((other) => other.name === declared.name)) {
    ctx.issues.add('INVALID_VALUE', `input "${declared.name}" is declared twice`, path, offset);
    return;
  }
  out.push(declared);
}

export function matchesType(value: unknown, type: InputType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}
