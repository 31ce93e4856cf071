import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentSpanIds } from '@chainmail/telemetry';

/**
 * Nest's logger writing one JSON object a line (`CHAINMAIL_LOG_FORMAT=json`), for log pipelines:
 * `{level, pid, timestamp, message, context, service, trace_id, span_id}`. A line written inside a
 * span (a run's step, a request) names its trace, so the logs of one run can be found from its
 * trace in Jaeger, and the other way round.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(
    private readonly service: string,
    logLevels: LogLevel[],
  ) {
    super({ json: true, colors: false, logLevels });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const object: ReturnType<ConsoleLogger['getJsonLogObject']> & Record<string, unknown> =
      super.getJsonLogObject(message, options);
    object.service = this.service;
    const ids = currentSpanIds();
    if (ids !== undefined) {
      object.trace_id = ids.traceId;
      object.span_id = ids.spanId;
    }
    return object;
  }
}
