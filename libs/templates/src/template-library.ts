import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ChainmailError } from '@chainmail/contracts';
import { parse } from 'yaml';
import type {
  NamedRequirement,
  TemplateAgent,
  TemplateParameter,
  TemplateParameterType,
  WorkflowTemplate,
} from './template';
import { renderWorkflow, resolveParams, type ParamValues } from './template-params';

const PARAMETER_TYPES: readonly TemplateParameterType[] = ['string', 'number', 'boolean', 'agent'];
const ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The templates library: one folder per template under `templates/` — `template.yaml` (title,
 * description, category, parameters, agents, secrets, variables, sample input, guide) and
 * `workflow.yaml` (the workflow, with `${parameter}` placeholders). Read once; a malformed
 * template stops the load with its file and field, so a broken library never ships.
 */
export class TemplateLibrary {
  private constructor(private readonly templates: readonly WorkflowTemplate[]) {}

  static load(dir: string): TemplateLibrary {
    if (!existsSync(dir)) throw new Error(`The templates folder ${dir} does not exist.`);
    const ids = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    return new TemplateLibrary(ids.map((id) => readTemplate(dir, id)));
  }

  /** `q`: every word in the id, title, description, category or tags (any case); `category`: exactly. */
  search(q?: string, category?: string): WorkflowTemplate[] {
    const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    return this.templates.filter((t) => {
      if (category !== undefined && category !== '' && t.category !== category.toLowerCase()) return false;
      const text = [t.id, t.title, t.description, t.category, ...t.tags].join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }

  categories(): string[] {
    return [...new Set(this.templates.map((t) => t.category))].sort();
  }

  get(id: string): WorkflowTemplate {
    const found = this.templates.find((t) => t.id === id);
    if (found === undefined) {
      throw new ChainmailError(
        'TEMPLATE_NOT_FOUND',
        `No template has the id "${id}"; \`chainmail templates\` (GET /v1/templates) lists them.`,
        { id },
      );
    }
    return found;
  }

  all(): readonly WorkflowTemplate[] {
    return this.templates;
  }

  /** The workflow source of template `id` named `name`, with the parameters given (others default). */
  render(
    id: string,
    name: string,
    params?: Record<string, unknown>,
  ): { source: string; params: ParamValues } {
    const template = this.get(id);
    const values = resolveParams(template, params);
    return { source: renderWorkflow(template, name, values), params: values };
  }
}

/** The library shipped with Chainmail: `templates/` at the root of the installation. */
export function defaultTemplatesDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(from, 'templates');
  }
}

function readTemplate(dir: string, id: string): WorkflowTemplate {
  const where = join(dir, id, 'template.yaml');
  const fail = (field: string, message: string): never => {
    throw new Error(`${where}: ${field}: ${message}`);
  };
  if (!ID.test(id)) fail('id', `the folder name "${id}" must be lower-case letters, digits and '-'`);
  const meta = parse(readFileSync(where, 'utf8')) as Record<string, unknown> | null;
  if (meta === null || typeof meta !== 'object') return fail('', 'expected a map');
  const text = (field: string): string => {
    const value = meta[field];
    if (typeof value !== 'string' || value.trim() === '') return fail(field, 'expected non-empty text');
    return value.trim();
  };
  const list = (field: string): unknown[] => {
    const value = meta[field] ?? [];
    return Array.isArray(value) ? value : fail(field, 'expected a list');
  };
  const parameters = list('parameters').map((raw, i): TemplateParameter => {
    const p = raw as Record<string, unknown>;
    const type = p.type as TemplateParameterType;
    if (typeof p.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(p.name))
      fail(`parameters[${i}].name`, 'expected snake_case text');
    if (!PARAMETER_TYPES.includes(type))
      fail(`parameters[${i}].type`, `one of ${PARAMETER_TYPES.join(', ')}`);
    if (!['string', 'number', 'boolean'].includes(typeof p.default))
      fail(`parameters[${i}].default`, 'required');
    if (typeof p.description !== 'string') fail(`parameters[${i}].description`, 'required');
    return {
      name: p.name as string,
      type,
      default: p.default as string | number | boolean,
      description: (p.description as string).trim(),
    };
  });
  const agents = list('agents').map((raw, i): TemplateAgent => {
    const a = raw as Record<string, unknown>;
    if (typeof a.production !== 'string') fail(`agents[${i}].production`, 'name the production agent');
    if (typeof a.address !== 'string' && typeof a.parameter !== 'string')
      fail(`agents[${i}]`, 'give an address or the parameter that holds it');
    if (typeof a.parameter === 'string' && !parameters.some((p) => p.name === a.parameter))
      fail(`agents[${i}].parameter`, `"${String(a.parameter)}" is not a parameter`);
    return {
      ...(typeof a.address === 'string' ? { address: a.address } : { parameter: a.parameter as string }),
      production: a.production as string,
    };
  });
  const named = (field: string): NamedRequirement[] =>
    list(field).map((raw, i) => {
      const n = raw as Record<string, unknown>;
      if (typeof n.name !== 'string' || typeof n.description !== 'string')
        fail(`${field}[${i}]`, 'expected {name, description}');
      return { name: n.name as string, description: n.description as string };
    });
  const sample = meta.sample_input ?? {};
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample))
    fail('sample_input', 'expected a map of run inputs');
  const tags = list('tags').map(String);
  const template: WorkflowTemplate = {
    id,
    title: text('title'),
    description: text('description'),
    category: text('category').toLowerCase(),
    tags,
    parameters,
    agents,
    secrets: named('secrets'),
    variables: named('variables'),
    sampleInput: sample as Record<string, unknown>,
    guide: text('guide'),
    workflow: readFileSync(join(dir, id, 'workflow.yaml'), 'utf8'),
  };
  // Every placeholder names a parameter: rendering with the defaults proves it.
  renderWorkflow(template, id, Object.fromEntries(parameters.map((p) => [p.name, p.default])));
  return template;
}
