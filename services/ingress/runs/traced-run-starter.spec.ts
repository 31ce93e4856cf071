import { extractTraceContext, initTelemetry, type Telemetry } from '@chainmail/telemetry';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import type { StartRunRequest } from './start-run.usecase';
import { TracedRunStarter } from './traced-run-starter';

describe('TracedRunStarter', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = initTelemetry({ exporter });
  });
  afterAll(() => telemetry.shutdown());

  it('starts the run inside the trigger span, the root of its trace, and sends that span as the start command context', async () => {
    const sent: Record<string, string>[] = [];
    const starter = new TracedRunStarter(
      {
        execute: async (_request, headers) => {
          sent.push(headers ?? {});
          return { runId: 'r-1', version: 4, duplicate: false, fresh: true };
        },
      },
      telemetry.tracer('ingress'),
      'mail received',
    );
    const request: StartRunRequest = {
      workflow: 'digest',
      inputs: {},
      trigger: { kind: 'email' },
      actor: 'u',
    };
    await starter.execute(request);
    await telemetry.forceFlush();

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('mail received');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.resource.attributes['service.name']).toBe('chainmail-ingress');
    expect(span.attributes).toEqual({
      'chainmail.workflow': 'digest',
      'chainmail.trigger': 'email',
      'chainmail.run.id': 'r-1',
      'chainmail.workflow.version': 4,
    });
    expect(trace.getSpanContext(extractTraceContext(sent[0]))?.spanId).toBe(span.spanContext().spanId);
  });
});
