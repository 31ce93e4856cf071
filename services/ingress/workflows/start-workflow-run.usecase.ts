import type { Actor } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { StartedRunRef } from '../runs/sync/run.responder';
import type { RunStarter } from '../runs/traced-run-starter';
import { workflowFor } from './workflow-access';

/** A run started over the REST API, and whether the caller waits for its outcome. */
export interface ApiStartedRun {
  run: StartedRunRef;
  sync: boolean;
}

/**
 * `POST /v1/workflows/:name/runs`: the run is the workflow's owner's (the start command takes it
 * from the catalog); the caller, who must be allowed to run it, is its actor.
 */
export class StartWorkflowRunUseCase {
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly starter: RunStarter,
  ) {}

  async execute(
    actor: Actor,
    name: string,
    request: { inputs?: Record<string, unknown>; debug?: boolean; breakpoints?: string[]; wait?: boolean },
  ): Promise<ApiStartedRun> {
    workflowFor(this.catalog, actor, name, 'run');
    const started = await this.starter.execute({
      workflow: name,
      inputs: request.inputs,
      debug: request.debug === true,
      ...(request.breakpoints !== undefined ? { breakpoints: request.breakpoints } : {}),
      trigger: { kind: 'api' },
      actor: actor.userId,
    });
    const sync = request.wait === true || this.catalog.active(name)?.definition.mode === 'sync';
    const run = { runId: started.runId, workflow: name, version: started.version, fresh: started.fresh };
    return { run, sync };
  }
}
