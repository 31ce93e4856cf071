import { ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-node';
import { extractTraceContext } from './propagation';

/**
 * One trace per run, with the run's span as the parent of every step span, although that span is
 * started by one process and may be ended by another, long after: its id is derived from the run
 * id, so any process can make a step span its child at once, and the process that appends the
 * run's end records it then (start time from the log, that same id), see `Telemetry.recordRun`.
 */

/** A run as far as its trace is concerned. */
export interface TracedRun {
  readonly runId: string;
  /** The W3C traceparent of the span the run was started in (its trigger's), kept in the log. */
  readonly startedIn?: string;
}

/** The run span's id: the same in every process, for every step of the run. */
export function runSpanId(runId: string): string {
  return hash32(runId, 0x5eed0001) + hash32(runId, 0x5eed0002);
}

/** The span of the stretch that ends a run after its `count`th rewind: derived like the run span's. */
export function rewoundSpanId(runId: string, count: number): string {
  return runSpanId(`${runId}/rewind/${count}`);
}

/** The trace of a run started outside any trace (no trigger span): derived from its id too. */
function runTraceId(runId: string): string {
  return (
    hash32(runId, 0x5eed0003) +
    hash32(runId, 0x5eed0004) +
    hash32(runId, 0x5eed0005) +
    hash32(runId, 0x5eed0006)
  );
}

/**
 * 32 bits of a seeded FNV-1a hash with a murmur3 finish, as 8 hex digits. Not a cryptographic
 * hash, on purpose: ids need only be spread and stable, and a step span is made on every step's
 * path (a SHA-256 costs several microseconds there).
 */
function hash32(text: string, seed: number): string {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
}

/** The run span's context: in the trace of the span the run was started in, with the derived id. */
export function runSpanContext(run: TracedRun): SpanContext {
  const startedIn = trace.getSpanContext(startedInContext(run));
  return {
    traceId: startedIn?.traceId ?? runTraceId(run.runId),
    spanId: runSpanId(run.runId),
    traceFlags: startedIn?.traceFlags ?? TraceFlags.SAMPLED,
    traceState: startedIn?.traceState,
    isRemote: true,
  };
}

/** The parent to give a step's span: the run span, whichever process records it. */
export function runContext(run: TracedRun): Context {
  return trace.setSpanContext(ROOT_CONTEXT, runSpanContext(run));
}

/** The run span's own parent: the trigger's span, or none. */
export function startedInContext(run: TracedRun): Context {
  return run.startedIn === undefined ? ROOT_CONTEXT : extractTraceContext({ traceparent: run.startedIn });
}

/**
 * Random ids, except for the span started inside `withIds`: how a run span gets the id its step
 * spans already point to. Spans start synchronously, so nothing else can start in between.
 */
export class RunSpanIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private fixed: Pick<SpanContext, 'traceId' | 'spanId'> | undefined;

  generateTraceId(): string {
    return this.fixed?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.fixed?.spanId ?? this.random.generateSpanId();
  }

  withIds<T>(ids: Pick<SpanContext, 'traceId' | 'spanId'>, startSpan: () => T): T {
    this.fixed = ids;
    try {
      return startSpan();
    } finally {
      this.fixed = undefined;
    }
  }
}
