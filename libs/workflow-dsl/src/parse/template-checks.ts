import type { InputDeclaration } from '@chainmail/contracts';
import { SCOPE_NAMES } from '../template/scope';
import { compileTemplate, type CompiledTemplate } from '../template/template';
import { TemplateError } from '../template/template-error';
import type { ParseContext, TemplateUse } from './context';
import { didYouMean } from './issues';
import type { StepTable } from './step-table';
import type { ScalarNode } from './yaml-tree';

/** Names every template may read, besides steps and inputs. `secrets` is handled apart. */
const ALWAYS = new Set([...SCOPE_NAMES].filter((name) => name !== 'secrets'));

/**
 * Compiles every template of the definition and checks what it reads: a step must be
 * guaranteed to have finished first (an ancestor through `needs`), other names must be inputs
 * or scope names, and `secrets` only appears in trigger settings.
 */
export function checkTemplates(
  ctx: ParseContext,
  table: StepTable,
  inputs: InputDeclaration[],
  ancestors: Map<string, ReadonlySet<string>>,
): void {
  const stepIds = new Set(table.declared.keys());
  const inputNames = new Set(inputs.map((input) => input.name));
  for (const use of ctx.templates) {
    // Nothing more would be reported: compiling the rest is work for no one.
    if (ctx.issues.full) return;
    let template: CompiledTemplate;
    try {
      template = compileTemplate(use.text, stepIds);
    } catch (caught) {
      const err = caught instanceof TemplateError ? caught : new TemplateError(String(caught), 0);
      const needle =
        err.expression !== undefined
          ? `{{${err.expression}}}`
          : use.text.slice(err.offset, err.offset + 40).split('\n')[0];
      const hint = err.tooLarge
        ? 'shorten the template or expression, or split the logic over several steps'
        : 'expressions are jexl: a.b, a == "x", a ? b : c, list[0], x | upper';
      ctx.issues.add(
        err.tooLarge ? 'TOO_LARGE' : 'BAD_TEMPLATE',
        `${use.what}: ${err.message}`,
        use.path,
        locate(ctx.source, use.node, needle),
        hint,
      );
      continue;
    }
    for (const expression of template.expressions) {
      const offset = locate(ctx.source, use.node, `{{${expression.source}}}`);
      for (const name of expression.references)
        checkName(ctx, use, name, offset, { stepIds, inputNames, ancestors, table });
    }
  }
}

interface Names {
  stepIds: ReadonlySet<string>;
  inputNames: ReadonlySet<string>;
  ancestors: Map<string, ReadonlySet<string>>;
  table: StepTable;
}

function checkName(ctx: ParseContext, use: TemplateUse, name: string, offset: number, names: Names): void {
  const { site } = use;
  if (name === 'secrets') {
    if (site.kind !== 'trigger') {
      ctx.issues.add(
        'INVALID_VALUE',
        `${use.what} reads secrets; secrets never go into text that is stored or sent`,
        use.path,
        offset,
        'use secrets only in trigger settings and agent configuration',
      );
    }
    return;
  }
  if (site.kind === 'trigger') {
    if (name !== 'vars')
      ctx.issues.add(
        'INVALID_VALUE',
        `${use.what} can read only secrets and vars, not "${name}"`,
        use.path,
        offset,
      );
    return;
  }
  if (ALWAYS.has(name) || names.inputNames.has(name)) return;
  if (site.kind === 'step' && site.locals.includes(name)) return;
  if (names.stepIds.has(name)) {
    if (site.kind === 'output' || !names.table.records.has(name)) return;
    if (name === site.stepId) {
      ctx.issues.add(
        'UNKNOWN_STEP',
        `${use.what} reads step "${name}" itself, which has not finished yet`,
        use.path,
        offset,
        'a step can read only steps that finish before it',
      );
      return;
    }
    if (names.ancestors.get(site.stepId)?.has(name) === true) return;
    ctx.issues.add(
      'UNKNOWN_STEP',
      `${use.what} reads step "${name}", which is not guaranteed to finish before step "${site.stepId}"`,
      use.path,
      offset,
      `add "${name}" to the needs of step "${site.stepId}"`,
    );
    return;
  }
  const known = [
    ...names.stepIds,
    ...names.inputNames,
    ...ALWAYS,
    ...(site.kind === 'step' ? site.locals : []),
  ];
  const hint = didYouMean(name, known) ?? 'declare it under "inputs", or name a step that runs before';
  ctx.issues.add(
    'UNKNOWN_STEP',
    `${use.what} reads "${name}", which is not a step, an input or a template name`,
    use.path,
    offset,
    hint,
  );
}

/**
 * The source offset of `needle` inside a scalar, when it is written there as is (plain, quoted
 * without escapes, or block text); otherwise the scalar's own start.
 */
function locate(source: string, node: ScalarNode, needle: string): number {
  if (needle === '') return node.offset;
  const index = source.slice(node.offset, node.end).indexOf(needle);
  return index === -1 ? node.offset : node.offset + index;
}
