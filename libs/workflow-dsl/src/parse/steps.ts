import type { Step, StepCommon } from '@chainmail/contracts';
import { MAX_STEPS } from '../limits';
import { SCOPE_NAMES } from '../template/scope';
import { STEP_ID, UNSAFE_NAMES, type ParseContext, type TemplateSite } from './context';
import { readActions, readCases, readErrorPolicy } from './step-flow';
import { readApprovers, readNotify } from './checkpoint-fields';
import { readAgentAddress, readNeeds, readRetry, readWorkflowName } from './step-fields';
import { stepKindOf, type StepKind } from './step-kind';
import type { StepRecord, StepTable } from './step-table';
import { childPath, type Fields } from './reader';
import type { MapEntry, MapNode, YNode } from './yaml-tree';

const COMMON = [
  'id',
  'name',
  'description',
  'type',
  'condition',
  'needs',
  'timeout',
  'on_error',
  'max_visits',
];
const KIND_KEYS: Record<StepKind, readonly string[]> = {
  agent: ['agent', 'input', 'retry'],
  workflow: ['workflow', 'input', 'retry'],
  checkpoint: ['message', 'actions', 'approvers', 'notify'],
  parallel: ['parallel'],
  foreach: ['foreach', 'as', 'concurrency', 'agent', 'workflow', 'input', 'retry'],
  switch: ['switch'],
};
/** For a key that belongs to another kind of step, say which. */
const MISPLACED: Record<string, string> = {
  message: '"message" belongs to checkpoint steps (type: checkpoint)',
  actions: '"actions" belongs to checkpoint steps (type: checkpoint)',
  approvers: '"approvers" belongs to checkpoint steps (type: checkpoint)',
  notify: '"notify" belongs to checkpoint steps (type: checkpoint)',
  as: '"as" belongs to foreach steps',
  concurrency: '"concurrency" belongs to foreach steps',
  input: '"input" belongs to agent, workflow and foreach steps',
  retry: '"retry" belongs to agent, workflow and foreach steps',
};

const DEFAULT_MAX_VISITS = 10;
const DEFAULT_CONCURRENCY = 4;

/** Reads `steps:`: every step with its defaults filled in, and what the later checks need. */
export function readSteps(ctx: ParseContext, entry: MapEntry | undefined, rootOffset: number): StepTable {
  const table: StepTable = {
    steps: [],
    records: new Map(),
    gotos: [],
    workflowCalls: [],
    declared: new Map(),
    locals: [],
  };
  if (entry === undefined) {
    ctx.issues.add(
      'MISSING_KEY',
      'a workflow needs "steps"',
      '',
      rootOffset,
      'add steps: with at least one step',
    );
    return table;
  }
  const list = ctx.reader.seq(entry.value, 'steps', 'steps');
  if (list === undefined) return table;
  if (list.items.length === 0) {
    ctx.issues.add('INVALID_VALUE', 'a workflow needs at least one step', 'steps', entry.value.offset);
    return table;
  }
  const reader = new StepReader(ctx, table);
  let previous: string | undefined;
  list.items.forEach((item, index) => {
    const step = reader.read(item, `steps[${index}]`, { topLevel: true, previous });
    if (step !== undefined) {
      table.steps.push(step);
      previous = step.id;
    }
  });
  return table;
}

interface Placement {
  topLevel: boolean;
  previous?: string;
  parent?: string;
}

class StepReader {
  private count = 0;
  private tooMany = false;

  constructor(
    private readonly ctx: ParseContext,
    private readonly table: StepTable,
  ) {}

  read(node: YNode, path: string, placement: Placement): Step | undefined {
    if (++this.count > MAX_STEPS) {
      if (!this.tooMany)
        this.ctx.issues.add(
          'TOO_LARGE',
          `a workflow has at most ${MAX_STEPS} steps`,
          path,
          node.offset,
          'split it into sub-workflows (workflow: steps)',
        );
      this.tooMany = true;
      return undefined;
    }
    const map = this.ctx.reader.map(node, path, 'a step');
    if (map === undefined) return undefined;
    const kind = stepKindOf(this.ctx, map, path);
    const allowed =
      kind === undefined
        ? [...COMMON, ...new Set(Object.values(KIND_KEYS).flat())]
        : [...COMMON, ...KIND_KEYS[kind]];
    const fields = this.ctx.reader.fields(
      map,
      path,
      allowed,
      kind === undefined ? 'a step' : `${kind === 'agent' ? 'an' : 'a'} ${kind} step`,
      MISPLACED,
    );
    const id = this.readId(fields, map, path);
    if (kind === undefined || id === undefined) return undefined;
    const common = this.readCommon(fields, path, id, placement);
    const site: TemplateSite = { kind: 'step', stepId: id, locals: [] };
    let step: Step | undefined;
    switch (kind) {
      case 'agent':
        step = this.withAgent(fields, path, id, site, common);
        break;
      case 'workflow': {
        const workflow = readWorkflowName(
          this.ctx,
          fields.get('workflow') as MapEntry,
          path,
          this.table.workflowCalls,
        );
        this.readInput(fields, path, id, site, common);
        step = workflow === undefined ? undefined : { ...common, kind: 'workflow', workflow };
        break;
      }
      case 'checkpoint':
        step = this.readCheckpoint(fields, map, path, id, site, common);
        break;
      case 'parallel':
        step = this.readParallel(fields.get('parallel') as MapEntry, path, id, common);
        break;
      case 'foreach':
        step = this.readForeach(fields, map, path, id, common);
        break;
      case 'switch':
        step = this.readSwitch(fields.get('switch') as MapEntry, path, id, site, common);
        break;
    }
    if (step === undefined) return undefined;
    this.register(step, path, fields, placement);
    return step;
  }

  private readId(fields: Fields, map: MapNode, path: string): string | undefined {
    const idEntry = fields.get('id');
    const nameEntry = fields.get('name');
    const entry = idEntry ?? nameEntry;
    if (entry === undefined) {
      this.ctx.issues.add(
        'MISSING_KEY',
        'a step needs "id" (or "name")',
        path,
        map.offset,
        'e.g. id: research',
      );
      return undefined;
    }
    const idPath = childPath(path, entry.key);
    const id = this.ctx.reader.string(entry.value, idPath, 'a step id');
    if (id === undefined) return undefined;
    if (idEntry !== undefined && nameEntry !== undefined) {
      const name = nameEntry.value.kind === 'scalar' ? nameEntry.value.value : undefined;
      if (name !== id) {
        this.ctx.issues.add(
          'INVALID_VALUE',
          `a step has both id "${id}" and name "${String(name)}"`,
          childPath(path, 'name'),
          nameEntry.keyOffset,
          'keep one of them; "name" is accepted as the id',
        );
        return undefined;
      }
    }
    if (!STEP_ID.test(id) || id.length > 64 || UNSAFE_NAMES.has(id)) {
      this.ctx.issues.add(
        'INVALID_VALUE',
        `"${id}" is not a valid step id`,
        idPath,
        entry.value.offset,
        'use letters, digits, "_" and single hyphens, starting with a letter: fan-out, step2',
      );
      return undefined;
    }
    if (SCOPE_NAMES.has(id)) {
      this.ctx.issues.add(
        'NAME_CLASH',
        `"${id}" is a reserved name in templates`,
        idPath,
        entry.value.offset,
        'rename the step',
      );
      return undefined;
    }
    const earlier = this.table.declared.get(id);
    if (earlier !== undefined) {
      this.ctx.issues.add(
        'DUPLICATE_STEP',
        `step id "${id}" is already used by ${earlier.path}`,
        idPath,
        entry.value.offset,
        'step ids are unique within a workflow',
      );
      return undefined;
    }
    this.table.declared.set(id, { path, offset: entry.value.offset });
    return id;
  }

  private readCommon(fields: Fields, path: string, id: string, placement: Placement): CommonFields {
    const { reader, issues } = this.ctx;
    const common: CommonFields = { id, needs: [], onError: { kind: 'abort' }, maxVisits: DEFAULT_MAX_VISITS };
    const description = fields.get('description');
    if (description !== undefined)
      common.description = reader.text(description.value, childPath(path, 'description'), 'description');
    const condition = fields.get('condition');
    if (condition !== undefined) {
      const conditionPath = childPath(path, 'condition');
      const text = reader.text(condition.value, conditionPath, 'condition');
      if (text !== undefined) {
        common.condition = text;
        if (!text.includes('{{') && !['true', 'false'].includes(text.trim())) {
          issues.warn(
            'INVALID_VALUE',
            `condition "${text}" has no {{ }}, so it is always true`,
            conditionPath,
            condition.value.offset,
            `write "{{ ${text.trim()} }}"`,
          );
        }
        this.template(
          text,
          condition.value,
          conditionPath,
          { kind: 'step', stepId: id, locals: [] },
          `the condition of step ${id}`,
        );
      }
    }
    const timeout = fields.get('timeout');
    if (timeout !== undefined)
      common.timeoutMs = reader.duration(timeout.value, childPath(path, 'timeout'), 'timeout');
    const maxVisits = fields.get('max_visits');
    if (maxVisits !== undefined)
      common.maxVisits =
        reader.integer(maxVisits.value, childPath(path, 'max_visits'), 'max_visits', 1, 1000) ??
        DEFAULT_MAX_VISITS;
    const onError = fields.get('on_error');
    if (onError !== undefined) {
      const policy = readErrorPolicy(
        this.ctx,
        onError.value,
        childPath(path, 'on_error'),
        this.table.gotos,
        !placement.topLevel,
      );
      if (policy !== undefined) common.onError = policy;
    }
    if (placement.topLevel) {
      common.needs = placement.previous === undefined ? [] : [placement.previous];
      common.needsDeclared = false;
    }
    const retry = fields.get('retry');
    if (retry !== undefined) common.retry = readRetry(this.ctx, retry.value, childPath(path, 'retry'));
    return common;
  }

  private readInput(
    fields: Fields,
    path: string,
    id: string,
    site: TemplateSite,
    common: CommonFields,
  ): void {
    const input = fields.get('input');
    if (input === undefined) return;
    const inputPath = childPath(path, 'input');
    const text = this.ctx.reader.text(input.value, inputPath, 'input');
    if (text === undefined) return;
    common.input = text;
    this.template(text, input.value, inputPath, site, `the input of step ${id}`);
  }

  private withAgent(
    fields: Fields,
    path: string,
    id: string,
    site: TemplateSite,
    common: CommonFields,
  ): Step | undefined {
    const agent = readAgentAddress(this.ctx, fields.get('agent') as MapEntry, path);
    this.readInput(fields, path, id, site, common);
    return agent === undefined ? undefined : { ...common, kind: 'agent', agent };
  }

  private readCheckpoint(
    fields: Fields,
    map: MapNode,
    path: string,
    id: string,
    site: TemplateSite,
    common: CommonFields,
  ): Step | undefined {
    const entry = this.ctx.reader.required(
      fields,
      'message',
      map,
      path,
      'a checkpoint step',
      'the message tells the reviewer what to check',
    );
    const messagePath = childPath(path, 'message');
    const message =
      entry === undefined ? undefined : this.ctx.reader.text(entry.value, messagePath, 'message');
    if (entry !== undefined && message !== undefined)
      this.template(message, entry.value, messagePath, site, `the message of step ${id}`);
    const actionsEntry = fields.get('actions');
    const actions = readActions(this.ctx, actionsEntry?.value, childPath(path, 'actions'), this.table.gotos);
    const approversEntry = fields.get('approvers');
    const approvers =
      approversEntry === undefined
        ? null
        : readApprovers(this.ctx, approversEntry.value, childPath(path, 'approvers'));
    const notifyEntry = fields.get('notify');
    const notify =
      notifyEntry === undefined ? null : readNotify(this.ctx, notifyEntry.value, childPath(path, 'notify'));
    if (message === undefined || actions === undefined || approvers === undefined || notify === undefined)
      return undefined;
    return {
      ...common,
      kind: 'checkpoint',
      message,
      actions,
      ...(approvers !== null ? { approvers } : {}),
      ...(notify !== null ? { notify } : {}),
    };
  }

  private readParallel(entry: MapEntry, path: string, id: string, common: CommonFields): Step | undefined {
    const at = childPath(path, 'parallel');
    const list = this.ctx.reader.seq(entry.value, at, 'parallel');
    if (list === undefined) return undefined;
    if (list.items.length === 0) {
      this.ctx.issues.add(
        'INVALID_VALUE',
        'a parallel step needs at least one branch',
        at,
        entry.value.offset,
      );
      return undefined;
    }
    const branches: Step[] = [];
    list.items.forEach((item, index) => {
      const branchPath = `${at}[${index}]`;
      const branch = this.read(item, branchPath, { topLevel: false, parent: id });
      if (branch === undefined) return;
      if (branch.kind === 'switch' || branch.kind === 'checkpoint') {
        this.ctx.issues.add(
          'INVALID_VALUE',
          `a parallel branch cannot be a ${branch.kind} step`,
          branchPath,
          item.offset,
          'put it before or after the parallel step',
        );
        return;
      }
      branches.push(branch);
    });
    return { ...common, kind: 'parallel', branches };
  }

  private readForeach(
    fields: Fields,
    map: MapNode,
    path: string,
    id: string,
    common: CommonFields,
  ): Step | undefined {
    const { reader, issues } = this.ctx;
    const itemsEntry = fields.get('foreach') as MapEntry;
    const itemsPath = childPath(path, 'foreach');
    const items = reader.text(itemsEntry.value, itemsPath, 'foreach');
    if (items !== undefined) {
      if (!/^\s*\{\{[\s\S]*\}\}\s*$/.test(items)) {
        issues.add(
          'INVALID_VALUE',
          'foreach takes one {{ expression }} that gives a list',
          itemsPath,
          itemsEntry.value.offset,
          'e.g. foreach: "{{ research.json.competitors }}"',
        );
      } else
        this.template(
          items,
          itemsEntry.value,
          itemsPath,
          { kind: 'step', stepId: id, locals: [] },
          `the list of step ${id}`,
        );
    }
    let as = 'item';
    const asEntry = fields.get('as');
    if (asEntry !== undefined) {
      const asPath = childPath(path, 'as');
      const name = reader.string(asEntry.value, asPath, 'as');
      if (name !== undefined && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || UNSAFE_NAMES.has(name))) {
        issues.add(
          'INVALID_VALUE',
          `"${name}" is not a valid name for "as"`,
          asPath,
          asEntry.value.offset,
          'use letters, digits and "_"',
        );
      } else if (name !== undefined && SCOPE_NAMES.has(name)) {
        issues.add(
          'NAME_CLASH',
          `"${name}" is a reserved name in templates`,
          asPath,
          asEntry.value.offset,
          'choose another name',
        );
      } else if (name !== undefined) {
        as = name;
        this.table.locals.push({ name, path: asPath, offset: asEntry.value.offset });
      }
    }
    let concurrency = DEFAULT_CONCURRENCY;
    const concurrencyEntry = fields.get('concurrency');
    if (concurrencyEntry !== undefined)
      concurrency =
        reader.integer(concurrencyEntry.value, childPath(path, 'concurrency'), 'concurrency', 1, 100) ??
        concurrency;
    const agentEntry = fields.get('agent');
    const workflowEntry = fields.get('workflow');
    if (agentEntry !== undefined && workflowEntry !== undefined) {
      issues.add(
        'INVALID_VALUE',
        'a foreach step runs either an agent or a workflow for each item, not both',
        childPath(path, 'workflow'),
        workflowEntry.keyOffset,
      );
      return undefined;
    }
    if (agentEntry === undefined && workflowEntry === undefined) {
      issues.add(
        'MISSING_KEY',
        'a foreach step needs "agent" or "workflow" to run for each item',
        path,
        map.offset,
        'e.g. agent: analyze@',
      );
      return undefined;
    }
    // The item's position is `<as>_index` (0-based), beside the item itself.
    this.readInput(fields, path, id, { kind: 'step', stepId: id, locals: [as, `${as}_index`] }, common);
    if (agentEntry !== undefined) {
      const agent = readAgentAddress(this.ctx, agentEntry, path);
      return agent === undefined || items === undefined
        ? undefined
        : { ...common, kind: 'foreach', items, as, concurrency, body: { kind: 'agent', agent } };
    }
    const workflow = readWorkflowName(this.ctx, workflowEntry as MapEntry, path, this.table.workflowCalls);
    return workflow === undefined || items === undefined
      ? undefined
      : { ...common, kind: 'foreach', items, as, concurrency, body: { kind: 'workflow', workflow } };
  }

  private readSwitch(
    entry: MapEntry,
    path: string,
    id: string,
    site: TemplateSite,
    common: CommonFields,
  ): Step | undefined {
    const cases = readCases(
      this.ctx,
      entry.value,
      childPath(path, 'switch'),
      this.table.gotos,
      (text, node, at) => this.template(text, node, at, site, `a case of step ${id}`),
    );
    return cases === undefined ? undefined : { ...common, kind: 'switch', cases };
  }

  private register(step: Step, path: string, fields: Fields, placement: Placement): void {
    const idEntry = (fields.get('id') ?? fields.get('name')) as MapEntry;
    const record: StepRecord = {
      step,
      path,
      idOffset: idEntry.value.offset,
      topLevel: placement.topLevel,
      parent: placement.parent,
    };
    const needs = fields.get('needs');
    if (needs !== undefined) {
      const needsPath = childPath(path, 'needs');
      if (!placement.topLevel) {
        this.ctx.issues.add(
          'INVALID_VALUE',
          'a parallel branch starts with its parallel step; it cannot have "needs"',
          needsPath,
          needs.keyOffset,
          'put "needs" on the parallel step',
        );
      } else {
        const targets = readNeeds(this.ctx, needs.value, needsPath);
        if (targets !== undefined) {
          step.needs = targets.map((target) => target.id);
          step.needsDeclared = true;
          record.needs = { entry: needs, targets };
        }
      }
    }
    this.table.records.set(step.id, record);
  }

  private template(text: string, node: YNode, path: string, site: TemplateSite, what: string): void {
    if (node.kind === 'scalar') this.ctx.templates.push({ text, node, path, site, what });
  }
}

type CommonFields = StepCommon;
