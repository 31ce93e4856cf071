import { injectTraceHeaders, runAttributes, SpanKind, withSpan, type Tracer } from '@chainmail/telemetry';
import type { StartedRun, StartRunRequest, StartRunUseCase } from './start-run.usecase';

/** What mail and webhooks need to start a run. */
export interface RunStarter {
  execute(request: StartRunRequest): Promise<StartedRun>;
}

/**
 * Starts a run inside its trigger's span (`mail received`, `webhook received`, `start run`): the
 * root of the run's trace, whose context rides with the start command, so the run's span is its
 * child and Jaeger shows the run under what started it.
 */
export class TracedRunStarter implements RunStarter {
  constructor(
    private readonly startRun: Pick<StartRunUseCase, 'execute'>,
    private readonly tracer: Tracer,
    private readonly spanName: string,
  ) {}

  execute(request: StartRunRequest): Promise<StartedRun> {
    return withSpan(
      this.tracer,
      this.spanName,
      {
        kind: SpanKind.SERVER,
        attributes: runAttributes({ workflow: request.workflow, trigger: request.trigger.kind }),
      },
      async (span, ctx) => {
        const started = await this.startRun.execute(request, injectTraceHeaders({}, ctx));
        span.setAttributes(runAttributes({ runId: started.runId, version: started.version }));
        return started;
      },
    );
  }
}
