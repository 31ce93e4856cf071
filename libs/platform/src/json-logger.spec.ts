import { initTelemetry, withSpan, type Telemetry } from '@chainmail/telemetry';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let written: string[];
  let write: jest.SpyInstance;

  beforeAll(() => {
    telemetry = initTelemetry({ exporter });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => {
    written = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('writes one JSON object a line, with the trace and span of the span it is written in', async () => {
    const logger = new JsonLogger('chainmail-execution', ['log', 'warn', 'error']);
    const ids = await withSpan(telemetry.tracer('execution'), 'execute step', {}, async (span) => {
      logger.log('step a started', 'execution');
      return span.spanContext();
    });
    logger.log('outside any span', 'execution');
    logger.debug('not at this level');

    const lines = written
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        level: 'log',
        pid: process.pid,
        timestamp: expect.any(Number),
        message: 'step a started',
        context: 'execution',
        service: 'chainmail-execution',
        trace_id: ids.traceId,
        span_id: ids.spanId,
      },
      expect.not.objectContaining({ trace_id: expect.anything() }),
    ]);
    expect(lines[1]).toMatchObject({ message: 'outside any span', service: 'chainmail-execution' });
  });
});
