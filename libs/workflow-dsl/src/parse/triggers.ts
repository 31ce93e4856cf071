import type { InputDeclaration, Trigger } from '@chainmail/contracts';
import { canonicalTimeZone, CronSchedule } from '../schedule/cron';
import type { ParseContext } from './context';
import { didYouMean } from './issues';
import { childPath, placeholderChoices, toPlain, type Fields } from './reader';
import type { MapEntry, MapNode, YNode } from './yaml-tree';

const TRIGGER_TYPES = ['email', 'webhook', 'schedule'] as const;
type TriggerType = (typeof TRIGGER_TYPES)[number];

const SETTINGS: Record<TriggerType, readonly string[]> = {
  email: ['address', 'allow'],
  webhook: ['path', 'secret', 'public'],
  schedule: ['cron', 'timezone', 'inputs', 'catch_up'],
};

/** `local@` or `local@domain`: the address mail is sent to. */
const EMAIL_ADDRESS = /^[A-Za-z0-9._+-]+@(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)?$/;
const WEBHOOK_PATH = /^[A-Za-z0-9][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9._~-]+)*$/;
const CRON_HINT =
  'five fields: minute hour day-of-month month day-of-week (e.g. "0 7 * * *"), six with seconds first, or @daily';
const SHORTHAND_HINT = 'write "email to name@", "webhook name", "schedule 0 7 * * *", or a map with type';

/** Reads `trigger:` (one) or `triggers:` (a list) into the normalized list. */
export function readTriggers(
  ctx: ParseContext,
  trigger: MapEntry | undefined,
  triggers: MapEntry | undefined,
  inputs: InputDeclaration[],
): Trigger[] {
  if (trigger !== undefined && triggers !== undefined) {
    ctx.issues.add(
      'INVALID_VALUE',
      'use either "trigger" or "triggers", not both',
      'triggers',
      triggers.keyOffset,
      'move the single trigger into the "triggers" list',
    );
  }
  if (trigger !== undefined && isEmpty(trigger.value)) return [];
  if (triggers !== undefined && isEmpty(triggers.value)) return [];
  if (trigger !== undefined) {
    const one = readTrigger(ctx, trigger.value, 'trigger', inputs);
    return one === undefined ? [] : [one];
  }
  if (triggers === undefined) return [];
  const list = ctx.reader.seq(triggers.value, 'triggers', 'triggers');
  if (list === undefined) return [];
  const out: Trigger[] = [];
  list.items.forEach((item, index) => {
    const one = readTrigger(ctx, item, `triggers[${index}]`, inputs);
    if (one !== undefined) out.push(one);
  });
  return out;
}

/** `trigger:` with nothing after it: no trigger (runs start from the API, the CLI or the builder). */
function isEmpty(node: YNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

function readTrigger(
  ctx: ParseContext,
  node: YNode,
  path: string,
  inputs: InputDeclaration[],
): Trigger | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string')
    return readShorthand(ctx, node.value, node.offset, path);
  const map = ctx.reader.map(node, path, 'a trigger');
  if (map === undefined) return undefined;
  const typeEntry = map.entries.find((entry) => entry.key === 'type');
  if (typeEntry === undefined) {
    ctx.issues.add(
      'MISSING_KEY',
      'a trigger needs "type"',
      path,
      map.offset,
      `type is one of: ${TRIGGER_TYPES.join(', ')}`,
    );
    return undefined;
  }
  const typePath = childPath(path, 'type');
  if (typeEntry.value.kind === 'scalar' && typeof typeEntry.value.value === 'string') {
    const choices = placeholderChoices(typeEntry.value.value, TRIGGER_TYPES);
    if (choices !== undefined) return readPlaceholder(ctx, map, path, choices, typeEntry.value.offset);
  }
  const type = ctx.reader.choice(typeEntry.value, typePath, 'trigger type', TRIGGER_TYPES);
  if (type === undefined) return undefined;
  const fields = settingsOf(ctx, map, path, type);
  if (type === 'email') return readEmail(ctx, fields, map, path);
  if (type === 'webhook') return readWebhook(ctx, fields, map, path);
  return readSchedule(ctx, fields, map, path, inputs);
}

/** The seed's sketch `type: email | schedule | webhook` with `config: ...`: accepted, binds nothing. */
function readPlaceholder(
  ctx: ParseContext,
  map: MapNode,
  path: string,
  choices: string[],
  offset: number,
): Trigger {
  ctx.reader.fields(map, path, ['type', 'config'], 'a placeholder trigger');
  ctx.issues.warn(
    'INVALID_VALUE',
    `trigger type "${choices.join(' | ')}" lists the choices; this trigger starts nothing until one is chosen`,
    childPath(path, 'type'),
    offset,
    `write one of: ${TRIGGER_TYPES.join(', ')}`,
  );
  return { type: 'placeholder', choices };
}

/** Settings may sit beside `type` or inside `config:` (the seed's sketch); both are read alike. */
function settingsOf(ctx: ParseContext, map: MapNode, path: string, type: TriggerType): Fields {
  const allowed = SETTINGS[type];
  const fields = ctx.reader.fields(
    map,
    path,
    ['type', 'config', ...allowed],
    `${type === 'email' ? 'an' : 'a'} ${type} trigger`,
  );
  const config = fields.get('config');
  if (config !== undefined) {
    const configPath = childPath(path, 'config');
    const configMap = ctx.reader.map(config.value, configPath, 'trigger config');
    if (configMap !== undefined) {
      for (const [key, entry] of ctx.reader.fields(
        configMap,
        configPath,
        allowed,
        `${type === 'email' ? 'an' : 'a'} ${type} trigger's config`,
      )) {
        if (fields.has(key)) {
          ctx.issues.add(
            'INVALID_VALUE',
            `"${key}" is given both in the trigger and in its config`,
            childPath(configPath, key),
            entry.keyOffset,
          );
        } else fields.set(key, entry);
      }
    }
  }
  return fields;
}

function readShorthand(ctx: ParseContext, text: string, offset: number, path: string): Trigger | undefined {
  const value = text.trim();
  const choices = placeholderChoices(value, TRIGGER_TYPES);
  if (choices !== undefined) {
    ctx.issues.warn(
      'INVALID_VALUE',
      `trigger "${value}" lists the choices; it starts nothing until one is chosen`,
      path,
      offset,
      SHORTHAND_HINT,
    );
    return { type: 'placeholder', choices };
  }
  const email = /^email\s+(?:to\s+)?(\S+)$/i.exec(value);
  if (email !== null) {
    if (EMAIL_ADDRESS.test(email[1])) return { type: 'email', address: email[1] };
    ctx.issues.add(
      'INVALID_VALUE',
      `"${email[1]}" is not an email address`,
      path,
      offset,
      'write it as name@ (the platform adds its domain) or name@domain',
    );
    return undefined;
  }
  const webhook = /^webhook\s+(?:at\s+)?\/?(\S+)$/i.exec(value);
  if (webhook !== null) {
    if (WEBHOOK_PATH.test(webhook[1])) return { type: 'webhook', path: webhook[1] };
    ctx.issues.add(
      'INVALID_VALUE',
      `"${webhook[1]}" is not a webhook path`,
      path,
      offset,
      'use letters, digits, "-", "_", "." and "/"',
    );
    return undefined;
  }
  const schedule = /^(?:schedule|cron)\s+(?:at\s+)?(.+)$/i.exec(value);
  if (schedule !== null) {
    const cron = schedule[1].trim();
    const parsed = CronSchedule.parse(cron);
    if (parsed.ok) return { type: 'schedule', cron, timezone: 'UTC' };
    ctx.issues.add('INVALID_VALUE', parsed.reason, path, offset, CRON_HINT);
    return undefined;
  }
  ctx.issues.add('INVALID_VALUE', `cannot read the trigger "${value}"`, path, offset, SHORTHAND_HINT);
  return undefined;
}

function readEmail(ctx: ParseContext, fields: Fields, map: MapNode, path: string): Trigger | undefined {
  const entry = ctx.reader.required(
    fields,
    'address',
    map,
    path,
    'an email trigger',
    'e.g. address: competitor-intel@',
  );
  if (entry === undefined) return undefined;
  const addressPath = childPath(path, 'address');
  const address = ctx.reader.string(entry.value, addressPath, 'address');
  if (address === undefined) return undefined;
  if (!EMAIL_ADDRESS.test(address)) {
    ctx.issues.add(
      'INVALID_VALUE',
      `"${address}" is not an email address`,
      addressPath,
      entry.value.offset,
      'write it as name@ (the platform adds its domain) or name@domain',
    );
    return undefined;
  }
  const trigger: Trigger = { type: 'email', address };
  const allow = fields.get('allow');
  if (allow !== undefined) {
    const allowPath = childPath(path, 'allow');
    const list = ctx.reader.seq(allow.value, allowPath, 'allow');
    if (list !== undefined) {
      trigger.allow = [];
      list.items.forEach((item, index) => {
        const sender = ctx.reader.string(item, `${allowPath}[${index}]`, 'an allowed sender');
        if (sender !== undefined) trigger.allow?.push(sender);
      });
    }
  }
  return trigger;
}

function readWebhook(ctx: ParseContext, fields: Fields, map: MapNode, path: string): Trigger | undefined {
  const entry = ctx.reader.required(
    fields,
    'path',
    map,
    path,
    'a webhook trigger',
    'e.g. path: competitor-intel',
  );
  if (entry === undefined) return undefined;
  const pathPath = childPath(path, 'path');
  const raw = ctx.reader.string(entry.value, pathPath, 'path');
  if (raw === undefined) return undefined;
  const hookPath = raw.replace(/^\/+/, '');
  if (!WEBHOOK_PATH.test(hookPath)) {
    ctx.issues.add(
      'INVALID_VALUE',
      `"${raw}" is not a webhook path`,
      pathPath,
      entry.value.offset,
      'use letters, digits, "-", "_", "." and "/"',
    );
    return undefined;
  }
  const trigger: Trigger = { type: 'webhook', path: hookPath };
  const secret = fields.get('secret');
  if (secret !== undefined && secret.value.kind === 'scalar') {
    const secretPath = childPath(path, 'secret');
    const text = ctx.reader.string(secret.value, secretPath, 'secret');
    if (text !== undefined) {
      trigger.secret = text;
      ctx.templates.push({
        text,
        node: secret.value,
        path: secretPath,
        site: { kind: 'trigger' },
        what: 'the webhook secret',
      });
    }
  } else if (secret !== undefined) ctx.reader.string(secret.value, childPath(path, 'secret'), 'secret');
  const isPublic = fields.get('public');
  if (isPublic !== undefined) {
    const value = ctx.reader.boolean(isPublic.value, childPath(path, 'public'), 'public');
    if (value !== undefined) trigger.public = value;
  }
  return trigger;
}

function readSchedule(
  ctx: ParseContext,
  fields: Fields,
  map: MapNode,
  path: string,
  inputs: InputDeclaration[],
): Trigger | undefined {
  const entry = ctx.reader.required(
    fields,
    'cron',
    map,
    path,
    'a schedule trigger',
    'e.g. cron: "0 7 * * *"',
  );
  if (entry === undefined) return undefined;
  const cronPath = childPath(path, 'cron');
  const cron = ctx.reader.string(entry.value, cronPath, 'cron');
  if (cron === undefined) return undefined;
  const parsed = CronSchedule.parse(cron);
  if (!parsed.ok) {
    ctx.issues.add('INVALID_VALUE', parsed.reason, cronPath, entry.value.offset, CRON_HINT);
    return undefined;
  }
  const trigger: Trigger = { type: 'schedule', cron: cron.trim(), timezone: 'UTC' };
  const timezone = fields.get('timezone');
  if (timezone !== undefined) {
    const tzPath = childPath(path, 'timezone');
    const zone = ctx.reader.string(timezone.value, tzPath, 'timezone');
    const canonical = zone === undefined ? undefined : canonicalTimeZone(zone);
    if (canonical !== undefined) trigger.timezone = canonical;
    else if (zone !== undefined)
      ctx.issues.add(
        'INVALID_VALUE',
        `"${zone}" is not a time zone`,
        tzPath,
        timezone.value.offset,
        'use an IANA name such as Europe/Berlin or UTC',
      );
  }
  const catchUp = fields.get('catch_up');
  if (catchUp !== undefined) {
    const value = ctx.reader.choice(catchUp.value, childPath(path, 'catch_up'), 'catch_up', [
      'none',
      'last',
    ] as const);
    if (value !== undefined) trigger.catchUp = value;
  }
  const given = fields.get('inputs');
  if (given !== undefined) {
    const inputsPath = childPath(path, 'inputs');
    const map = ctx.reader.map(given.value, inputsPath, 'schedule inputs');
    if (map !== undefined) {
      trigger.inputs = toPlain(map) as Record<string, unknown>;
      if (inputs.length > 0) {
        for (const input of map.entries) {
          if (!inputs.some((declared) => declared.name === input.key)) {
            const hint =
              didYouMean(
                input.key,
                inputs.map((declared) => declared.name),
              ) ?? 'declare it under "inputs"';
            ctx.issues.add(
              'UNKNOWN_KEY',
              `"${input.key}" is not a declared input`,
              childPath(inputsPath, input.key),
              input.keyOffset,
              hint,
            );
          }
        }
      }
    }
  }
  const provided = trigger.inputs ?? {};
  for (const input of inputs) {
    if (
      input.required &&
      input.default === undefined &&
      !Object.prototype.hasOwnProperty.call(provided, input.name)
    ) {
      ctx.issues.add(
        'MISSING_INPUT',
        `the schedule does not give the required input "${input.name}"`,
        path,
        map.offset,
        `add inputs: { ${input.name}: ... } to the trigger`,
      );
    }
  }
  return trigger;
}
