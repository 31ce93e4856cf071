import type { LineCounter } from 'yaml';
import type {
  InputDeclaration,
  OutputFormat,
  OutputSpec,
  RunMode,
  ValidationIssue,
  WorkflowDefinition,
} from '@chainmail/contracts';
import { DEFAULT_MAX_BYTES } from './limits';
import { IDENTIFIER, UNSAFE_NAMES, WORKFLOW_NAME, type ParseContext } from './parse/context';
import { checkGraph } from './parse/graph';
import { readInputs } from './parse/inputs';
import { readLimits } from './parse/limits';
import { Issues } from './parse/issues';
import { childPath, Reader, toPlain } from './parse/reader';
import { readSteps } from './parse/steps';
import type { StepTable } from './parse/step-table';
import { checkTemplates } from './parse/template-checks';
import { readTriggers } from './parse/triggers';
import { readYaml, type MapNode, type YNode } from './parse/yaml-tree';

export interface ParseOptions {
  /** Only a hint for messages: JSON is parsed by the YAML parser (JSON is YAML), with positions. */
  contentType?: 'yaml' | 'json';
  /** The agent directory: with it, an address it does not know is an error (`UNKNOWN_AGENT`). */
  knownAgents?: (address: string) => boolean;
  /** Largest source accepted, in UTF-8 bytes (default 1 MiB). */
  maxBytes?: number;
}

export type ParseResult =
  | { ok: true; definition: WorkflowDefinition; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[] };

const TOP_KEYS = [
  'name',
  'description',
  'version',
  'trigger',
  'triggers',
  'inputs',
  'vars',
  'steps',
  'output',
  'timeout',
  'mode',
  'limits',
];
const OUTPUT_KEYS = ['format', 'template', 'to', 'url', 'subject'];
const OUTPUT_FORMATS: readonly OutputFormat[] = ['email', 'webhook', 'both', 'none'];
const RUN_MODES: readonly RunMode[] = ['async', 'sync', 'streaming'];
const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * Parses and validates a workflow definition (YAML or JSON). Never throws: every problem found
 * — all of them, not only the first — comes back as an issue with its line and column.
 */
export function parseWorkflow(source: string, options: ParseOptions = {}): ParseResult {
  const issues = new Issues();
  let lineCounter: LineCounter | undefined;
  try {
    const parsed = parse(source, options, issues);
    lineCounter = parsed.lineCounter;
    if (!issues.hasErrors && parsed.definition !== undefined) {
      return { ok: true, definition: parsed.definition, warnings: issues.warningList(lineCounter) };
    }
  } catch (err) {
    // A bug, not a user error; tests assert this never happens. The caller still gets an answer.
    issues.add(
      'INVALID_VALUE',
      `internal parser error: ${err instanceof Error ? err.message : String(err)}`,
      '',
      0,
    );
  }
  return { ok: false, errors: issues.errorList(lineCounter) };
}

function parse(
  source: string,
  options: ParseOptions,
  issues: Issues,
): { definition?: WorkflowDefinition; lineCounter?: LineCounter } {
  if (typeof source !== 'string') {
    issues.add('INVALID_VALUE', 'the definition must be text', '', 0);
    return {};
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Cheap upper bound first: a UTF-8 byte is at most 3 per UTF-16 unit, at least 1.
  if (source.length > maxBytes || (source.length * 3 > maxBytes && utf8Length(source) > maxBytes)) {
    issues.add(
      'TOO_LARGE',
      `the definition is larger than ${maxBytes} bytes`,
      '',
      0,
      'split it into several workflows',
    );
    return {};
  }
  const { root, lineCounter } = readYaml(source, issues);
  if (issues.hasErrors) return { lineCounter };
  const ctx: ParseContext = {
    source,
    issues,
    reader: new Reader(issues),
    knownAgents: options.knownAgents,
    templates: [],
  };
  const format = options.contentType === 'json' ? 'a JSON object' : 'a YAML map';
  if (root === undefined || root.kind !== 'map') {
    issues.add(
      'INVALID_VALUE',
      `a workflow definition must be ${format} with name and steps`,
      '',
      root?.offset ?? 0,
    );
    return { lineCounter };
  }
  return { definition: readDefinition(ctx, root), lineCounter };
}

/** UTF-8 length without Node's Buffer: the parser also runs in the browser (the console). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function readDefinition(ctx: ParseContext, root: MapNode): WorkflowDefinition | undefined {
  const { reader, issues } = ctx;
  const fields = reader.fields(root, '', TOP_KEYS, 'a workflow');
  const nameEntry = reader.required(fields, 'name', root, '', 'a workflow', 'e.g. name: competitor-analysis');
  let name: string | undefined;
  if (nameEntry !== undefined) {
    name = reader.string(nameEntry.value, 'name', 'name');
    if (name !== undefined && !WORKFLOW_NAME.test(name)) {
      issues.add(
        'INVALID_VALUE',
        `"${name}" is not a valid workflow name`,
        'name',
        nameEntry.value.offset,
        'use lowercase letters, digits and "-", starting with a letter or digit',
      );
      name = undefined;
    }
  }
  const descriptionEntry = fields.get('description');
  const description =
    descriptionEntry === undefined
      ? undefined
      : reader.text(descriptionEntry.value, 'description', 'description');
  const version = fields.get('version');
  if (version !== undefined && version.value.kind !== 'scalar') {
    issues.add(
      'INVALID_VALUE',
      'version must be a number or text (it is ignored: the registry numbers versions)',
      'version',
      version.value.offset,
    );
  }
  const inputs = readInputs(ctx, fields.get('inputs'));
  const triggers = readTriggers(ctx, fields.get('trigger'), fields.get('triggers'), inputs);
  const vars = readVars(ctx, fields.get('vars')?.value);
  const table = readSteps(ctx, fields.get('steps'), root.offset);
  const output = readOutput(ctx, fields.get('output')?.value);
  const timeoutEntry = fields.get('timeout');
  const timeoutMs =
    timeoutEntry === undefined
      ? DEFAULT_RUN_TIMEOUT_MS
      : reader.duration(timeoutEntry.value, 'timeout', 'timeout');
  const modeEntry = fields.get('mode');
  const mode = modeEntry === undefined ? 'async' : reader.choice(modeEntry.value, 'mode', 'mode', RUN_MODES);
  const limits = readLimits(ctx, fields.get('limits'));
  checkNameClashes(ctx, inputs, table);
  const ancestors = checkGraph(ctx, table, name);
  checkTemplates(ctx, table, inputs, ancestors);
  if (
    name === undefined ||
    output === undefined ||
    timeoutMs === undefined ||
    mode === undefined ||
    vars === undefined
  )
    return undefined;
  const definition: WorkflowDefinition = {
    name,
    triggers,
    inputs,
    vars,
    steps: table.steps,
    output,
    timeoutMs,
    mode,
  };
  if (description !== undefined) definition.description = description;
  if (limits !== undefined) definition.limits = limits;
  return definition;
}

function readVars(ctx: ParseContext, node: YNode | undefined): Record<string, unknown> | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return {};
  const map = ctx.reader.map(node, 'vars', 'vars');
  if (map === undefined) return undefined;
  for (const entry of map.entries) {
    if (!IDENTIFIER.test(entry.key) || UNSAFE_NAMES.has(entry.key)) {
      ctx.issues.add(
        'INVALID_VALUE',
        `"${entry.key}" is not a valid var name`,
        childPath('vars', entry.key),
        entry.keyOffset,
        'use letters, digits and "_", so {{vars.NAME}} can read it',
      );
    }
  }
  return toPlain(map) as Record<string, unknown>;
}

/** `output: "{{review.output}}"` (the seed: the run's result, sent by email) or the map form. */
function readOutput(ctx: ParseContext, node: YNode | undefined): OutputSpec | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return { format: 'email' };
  if (node.kind === 'scalar') {
    const template = ctx.reader.text(node, 'output', 'output');
    if (template === undefined) return undefined;
    ctx.templates.push({
      text: template,
      node,
      path: 'output',
      site: { kind: 'output' },
      what: 'the output',
    });
    return { format: 'email', template };
  }
  const map = ctx.reader.map(node, 'output', 'output (a template or a map)');
  if (map === undefined) return undefined;
  const fields = ctx.reader.fields(map, 'output', OUTPUT_KEYS, 'output');
  const formatEntry = fields.get('format');
  const format =
    formatEntry === undefined
      ? 'email'
      : ctx.reader.choice(formatEntry.value, 'output.format', 'output format', OUTPUT_FORMATS);
  if (format === undefined) return undefined;
  const spec: OutputSpec = { format };
  let ok = true;
  for (const key of ['template', 'to', 'subject', 'url'] as const) {
    const entry = fields.get(key);
    if (entry === undefined) continue;
    const path = `output.${key}`;
    const text = ctx.reader.text(entry.value, path, `output ${key}`);
    if (text === undefined || entry.value.kind !== 'scalar') {
      ok = false;
      continue;
    }
    if (key === 'url' && !text.includes('{{') && !/^https?:\/\/\S+$/.test(text)) {
      ctx.issues.add('INVALID_VALUE', `"${text}" is not an http(s) URL`, path, entry.value.offset);
      ok = false;
      continue;
    }
    spec[key] = text;
    ctx.templates.push({
      text,
      node: entry.value,
      path,
      site: { kind: 'output' },
      what: `the output ${key}`,
    });
  }
  return ok ? spec : undefined;
}

/** Inputs, step ids and foreach `as` names are all read by their bare name: one name, one thing. */
function checkNameClashes(ctx: ParseContext, inputs: InputDeclaration[], table: StepTable): void {
  for (const input of inputs) {
    const step = table.declared.get(input.name);
    if (step === undefined) continue;
    ctx.issues.add(
      'NAME_CLASH',
      `"${input.name}" is both an input and the id of ${step.path}`,
      step.path,
      step.offset,
      'rename the step or the input: both are read as {{name}}',
    );
  }
  for (const local of table.locals) {
    const step = table.declared.get(local.name);
    const clash =
      step !== undefined
        ? `the id of ${step.path}`
        : inputs.some((input) => input.name === local.name)
          ? 'an input'
          : undefined;
    if (clash !== undefined)
      ctx.issues.add(
        'NAME_CLASH',
        `"as: ${local.name}" would hide ${clash}`,
        local.path,
        local.offset,
        'choose another name for the item',
      );
  }
}
