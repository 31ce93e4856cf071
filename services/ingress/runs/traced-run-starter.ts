import { injectTraceHeaders, runAttributes, SpanKind, withSpan, type Tracer } from '@chainmail/telemetry';
import type { StartedRun, StartRunRequest, StartRunUseCase } from './start-run.usecase';

/** What mail and webhooks need to start a run. */
export interface RunStarter {
  execute(request: StartRunRequest): Promise<StartedRun>;
}

/** Starts a run as the root span of its trace (as the REST start does), for mail and webhooks. */
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
      { kind: SpanKind.SERVER, attributes: runAttributes({ workflow: request.workflow }) },
      async (span) => {
        const started = await this.startRun.execute(request, injectTraceHeaders({}));
        span.setAttributes(runAttributes({ runId: started.runId }));
        return started;
      },
    );
  }
}
