import { randomUUID } from 'node:crypto';
import { ChainmailError, type StartRun, type TriggerInfo } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { InputDeclaration, WorkflowDefinition } from '@chainmail/contracts';
import { stepGraph } from '@chainmail/workflow-dsl';

export interface CommandSender {
  send(subject: string, command: StartRun, headers?: Record<string, string>): Promise<unknown>;
}

/** Decides a command in this process when execution runs in it (`LocalCommands`); `undefined`: it does not. */
export interface LocalDecider {
  decide(command: StartRun, headers?: Record<string, string>): Promise<{ duplicate: boolean } | undefined>;
}

export interface StartRunRequest {
  workflow: string;
  inputs: unknown;
  trigger: TriggerInfo;
  actor: string;
  debug?: boolean;
  /** Top-level steps to pause before (step-by-step debugging). */
  breakpoints?: string[];
  /** A caller-chosen id makes a retried request start one run (webhooks' Idempotency-Key). */
  runId?: string;
}

export interface StartedRun {
  runId: string;
  version: number;
  /** The start command was a duplicate of one already sent (same run id). */
  duplicate: boolean;
  /** The run id was made here, for this request: the run cannot have ended before it was sent. */
  fresh: boolean;
}

/**
 * Checks the inputs against the active version's declarations and sends the start command. A
 * run whose id is made here is started in this process when execution runs in it (its first
 * commit is in the log when this answers); any other start, or when that cannot be, goes through
 * the COMMANDS stream. A caller-chosen id (a webhook's Idempotency-Key) always goes through the
 * stream, whose window says whether it is a retry of a start still queued there.
 */
export class StartRunUseCase {
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly commands: CommandSender,
    private readonly subject: string,
    private readonly local?: LocalDecider,
  ) {}

  async execute(request: StartRunRequest, headers?: Record<string, string>): Promise<StartedRun> {
    const active = this.catalog.active(request.workflow);
    if (!active) {
      throw new ChainmailError(
        'WORKFLOW_NOT_FOUND',
        `No workflow is named "${request.workflow}"; publish it first.`,
        {
          workflow: request.workflow,
        },
      );
    }
    const inputs = checkInputs(active.definition.inputs, request.inputs);
    const breakpoints = checkBreakpoints(active.definition, request.breakpoints ?? []);
    const runId = request.runId ?? randomUUID();
    const command: StartRun = {
      type: 'StartRun',
      commandId: `start:${runId}`,
      runId,
      workflow: active.name,
      version: active.version,
      inputs,
      trigger: request.trigger,
      owner: active.owner,
      actor: request.actor,
      debug: request.debug ?? false,
      ...(breakpoints.length > 0 ? { breakpoints } : {}),
    };
    const fresh = request.runId === undefined;
    const decided = fresh ? await this.local?.decide(command, headers) : undefined;
    // The command log says when this id was sent before (a retried delivery within its window).
    const sent = decided ?? (await this.commands.send(this.subject, command, headers));
    const duplicate = (sent as { duplicate?: unknown } | undefined)?.duplicate === true;
    return { runId, version: active.version, duplicate, fresh };
  }
}

/** Breakpoints name top-level steps of the version the run will be pinned to (a branch runs with its parallel step). */
export function checkBreakpoints(definition: WorkflowDefinition, breakpoints: readonly string[]): string[] {
  const graph = stepGraph(definition);
  const wrong = breakpoints.filter((id) => graph.find(id) === undefined || graph.parentOf(id) !== undefined);
  if (wrong.length > 0) {
    const known = graph.topLevel.map((step) => step.id).join(', ');
    throw new ChainmailError(
      'UNPROCESSABLE',
      `breakpoints: ${wrong.map((id) => `"${id}"`).join(', ')} ${wrong.length === 1 ? 'is not a top-level step' : 'are not top-level steps'} of ${definition.name} (its top-level steps: ${known}); a branch or foreach item pauses with its step`,
      { breakpoints: wrong },
    );
  }
  return [...new Set(breakpoints)];
}

/** Required inputs present, types right, defaults filled; `user_input` is always allowed. */
export function checkInputs(declared: InputDeclaration[], given: unknown): Record<string, unknown> {
  if (given === undefined || given === null) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new ChainmailError('INPUT_INVALID', 'inputs must be a JSON object of name → value.', {
      inputs: given,
    });
  }
  const inputs: Record<string, unknown> = { ...(given as Record<string, unknown>) };
  const problems: { input: string; message: string }[] = [];
  const names = new Set(declared.map((d) => d.name));
  if (declared.length > 0) {
    for (const name of Object.keys(inputs)) {
      if (!names.has(name) && name !== 'user_input') {
        problems.push({
          input: name,
          message: `unknown input; this workflow takes ${[...names].join(', ')}`,
        });
      }
    }
  }
  for (const declaration of declared) {
    const value = inputs[declaration.name];
    if (value === undefined) {
      if (declaration.default !== undefined) inputs[declaration.name] = declaration.default;
      else if (declaration.required)
        problems.push({ input: declaration.name, message: 'required input is missing' });
      continue;
    }
    if (!hasType(value, declaration.type)) {
      problems.push({
        input: declaration.name,
        message: `must be of type ${declaration.type}, got ${typeName(value)}`,
      });
    }
  }
  if (problems.length > 0) {
    throw new ChainmailError(
      'INPUT_INVALID',
      problems.map((p) => `input "${p.input}": ${p.message}`).join('; '),
      { problems },
    );
  }
  return inputs;
}

function hasType(value: unknown, type: InputDeclaration['type']): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

const typeName = (value: unknown): string =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
