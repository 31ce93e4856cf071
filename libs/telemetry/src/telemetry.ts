import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type ContextManager,
  type Tracer,
} from '@opentelemetry/api';
import type { TraceExport } from '@chainmail/config';
import {
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  NodeTracerProvider,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { CHAINMAIL_RUN_STATUS, runAttributes } from './attributes';
import { spanExporters, spanProcessorFor } from './exporters';
import {
  runContext,
  runSpanContext,
  RunSpanIds,
  rewoundSpanId,
  startedInContext,
  type TracedRun,
} from './run-trace';
import { recordFailure } from './with-span';

/** The services of Chainmail; each reports its spans as `service.name=chainmail-<service>`. */
export type ChainmailService =
  'ingress' | 'execution' | 'projector' | 'scheduling' | 'notification' | 'registry';

/** `service.name` of a Chainmail service. */
export function serviceName(service: ChainmailService): string {
  return `chainmail-${service}`;
}

// Incubating semantic conventions: not exported by the stable entry point.
const ATTR_SERVICE_NAMESPACE = 'service.namespace';
const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

export interface TelemetryOptions {
  /** Which exporters: `traceExport(config)`, from the tracing variables. Default: none. */
  readonly export?: TraceExport;
  /** Where spans go instead (tests: an `InMemorySpanExporter`). Wins over `export`. */
  readonly exporter?: SpanExporter;
  /**
   * `service.name` of spans made through the global OpenTelemetry API rather than a service's
   * tracer (a library's own instrumentation): the process, `chainmail` or `chainmail-<service>`.
   */
  readonly processName?: string;
  /**
   * Track the active span even with nothing to export, for readers of it other than spans: JSON
   * log lines carry its trace and span ids. Default: only when exporting.
   */
  readonly activeSpans?: boolean;
}

/** A run that has ended, for its span: times from the log, the outcome from its last event. */
export interface EndedRun extends TracedRun {
  readonly workflow: string;
  readonly version: number;
  readonly trigger: string;
  readonly startedAt: string | number;
  readonly endedAt: string | number;
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  readonly error?: { readonly code: string; readonly message: string };
  /**
   * The run ended before and was rewound `count` times, the last at `at`: this end closes the
   * stretch since then. Its span is a child of the run span (recorded at the first end), with an
   * id of its own, so no span id is recorded twice.
   */
  readonly rewound?: { readonly count: number; readonly at: string | number };
}

export interface Telemetry {
  /** False when nothing is exported: spans are then not even recorded (ids still propagate). */
  readonly exporting: boolean;
  /** The tracer of one service, from a provider of its own: its spans say `service.name=chainmail-<service>`. */
  tracer(service: ChainmailService): Tracer;
  /**
   * Records the span `run <workflow>` of an ended run, by the process that appended the end:
   * the child of the span the run was started in, with the id its step spans point to.
   */
  recordRun(service: ChainmailService, run: EndedRun): void;
  /** Sends the spans ended so far. Never rejects (a failed export is logged by the SDK's diagnostics). */
  forceFlush(): Promise<void>;
  /**
   * Sends the spans ended so far and stops (never rejects, so an exit is not held up by a missing
   * collector); for the process-wide instance, `initTelemetry` may then run again.
   */
  shutdown(): Promise<void>;
}

let processTelemetry: Telemetry | undefined;

/**
 * The process-wide telemetry: the first call starts OpenTelemetry's `NodeSDK` (context manager,
 * propagator from OTEL_PROPAGATORS, OTEL_SDK_DISABLED, OTEL_LOG_LEVEL, a global tracer provider
 * named after the process); later calls return that same instance, whatever their options (the
 * first caller, the process shell, decides). Every service's tracer comes from a provider of its
 * own (one resource each, so each reports its own `service.name`, in one process or many), all
 * sharing the SDK's context manager and one set of exporters.
 *
 * With nothing to export and no `activeSpans` reader, no context manager tracks the active span:
 * on Node 20 the SDK's (`AsyncLocalStorage`) hooks every promise, about 4 % of the all-in-one's
 * CPU per run in the benchmark, for spans nobody records and ids nobody reads. Trace context
 * still goes where it is passed explicitly (`withSpan` hands its callback the span's context; a
 * run's start and its steps' appends pass it on), so runs keep their trace ids.
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (processTelemetry) return processTelemetry;
  const parts = buildParts(options);
  const sdk = new NodeSDK({
    ...(parts.processors.length > 0 || options.activeSpans === true
      ? {}
      : { contextManager: new NoActiveContext() }),
    resource: parts.resource,
    autoDetectResources: false,
    serviceName: options.processName ?? 'chainmail',
    spanProcessors: parts.processors.length > 0 ? [parts.shared] : [],
    idGenerator: parts.ids,
    // Metrics are Prometheus' (ChainmailMetrics), logs go to stdout: the SDK exports neither.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const telemetry = assemble(parts, async () => {
    await sdk.shutdown().catch(() => undefined);
    trace.disable();
    context.disable();
    propagation.disable();
    processTelemetry = undefined;
  });
  processTelemetry = telemetry;
  return telemetry;
}

/**
 * Telemetry that registers nothing globally: its tracers are its own. For tests and fixtures
 * that need tracers without the process-wide set-up (spans are made active by the context
 * manager `initTelemetry` registers, when one is).
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  return assemble(buildParts(options), async () => undefined);
}

interface Parts {
  readonly processors: SpanProcessor[];
  /** What the providers are given: the processors, which only `Telemetry.shutdown` shuts. */
  readonly shared: SpanProcessor;
  readonly ids: RunSpanIds;
  readonly resource: Resource;
}

function buildParts(options: TelemetryOptions): Parts {
  const exporters = options.exporter ? [options.exporter] : spanExporters(options.export ?? NO_EXPORT);
  const processors = exporters.map(spanProcessorFor);
  return {
    processors,
    shared: new SharedProcessors(processors),
    ids: new RunSpanIds(),
    resource: processResource(),
  };
}

const NO_EXPORT: TraceExport = { exporters: [], protocol: 'http/protobuf' };

/**
 * What every service of the process shares: namespace, version, this process's instance id, and
 * what OTEL_RESOURCE_ATTRIBUTES, the process and the host say (the variable may override the
 * namespace; `service.name` is always the service's own).
 */
function processResource(): Resource {
  return resourceFromAttributes({
    [ATTR_SERVICE_NAMESPACE]: 'chainmail',
    [ATTR_SERVICE_VERSION]: chainmailVersion(),
    [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
  }).merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }));
}

function assemble(parts: Parts, afterShutdown: () => Promise<void>): Telemetry {
  const exporting = parts.processors.length > 0;
  const tracers = new Map<ChainmailService, { provider: NodeTracerProvider; tracer: Tracer }>();
  const ofService = (service: ChainmailService): { provider: NodeTracerProvider; tracer: Tracer } => {
    let entry = tracers.get(service);
    if (!entry) {
      const provider = new NodeTracerProvider({
        resource: parts.resource.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName(service) })),
        idGenerator: parts.ids,
        spanProcessors: exporting ? [parts.shared] : [],
        // Nothing exported: spans still get ids (context propagates, logs carry a trace id) but
        // nothing is recorded, so tracing costs next to nothing when it is off. Otherwise the
        // sampler is OTEL_TRACES_SAMPLER's (parent-based, always on, by default).
        ...(exporting ? {} : { sampler: new AlwaysOffSampler() }),
      });
      entry = { provider, tracer: provider.getTracer(serviceName(service), chainmailVersion()) };
      tracers.set(service, entry);
    }
    return entry;
  };
  let stopped: Promise<void> | undefined;
  return {
    exporting,
    tracer: (service) => ofService(service).tracer,
    recordRun(service, run) {
      if (!exporting) return;
      const { traceId, spanId } = runSpanContext(run);
      const { rewound } = run;
      const span = parts.ids.withIds(
        { traceId, spanId: rewound === undefined ? spanId : rewoundSpanId(run.runId, rewound.count) },
        () =>
          ofService(service).tracer.startSpan(
            rewound === undefined
              ? `run ${run.workflow}`
              : `run ${run.workflow} after rewind ${rewound.count}`,
            {
              kind: SpanKind.INTERNAL,
              startTime: new Date(rewound === undefined ? run.startedAt : rewound.at),
              attributes: {
                ...runAttributes(run),
                [CHAINMAIL_RUN_STATUS]: run.status,
              },
            },
            rewound === undefined ? startedInContext(run) : runContext(run),
          ),
      );
      if (run.error !== undefined) recordFailure(span, run.error);
      span.end(new Date(run.endedAt));
    },
    forceFlush: () => parts.shared.forceFlush().catch(() => undefined),
    shutdown() {
      stopped ??= Promise.all([...tracers.values()].map(({ provider }) => provider.shutdown()))
        .then(() => Promise.all(parts.processors.map((p) => p.shutdown())))
        .catch(() => undefined)
        .then(afterShutdown);
      return stopped;
    },
  };
}

/**
 * The processors, shared by every provider of the process (one batch, one connection to the
 * collector). A provider's shutdown only flushes them: the telemetry shuts them once, at the end.
 */
class SharedProcessors implements SpanProcessor {
  constructor(private readonly processors: readonly SpanProcessor[]) {}

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.processors) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

let version: string | undefined;

/** Chainmail's version (the root package.json's), for `service.version`. */
function chainmailVersion(): string {
  if (version !== undefined) return version;
  version = 'unknown';
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === 'chainmail' && typeof pkg.version === 'string') {
      version = pkg.version;
      break;
    }
  }
  return version;
}

/** A context manager that tracks nothing: the active context is always the root one. */
class NoActiveContext implements ContextManager {
  active(): Context {
    return ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    _context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }

  bind<T>(_context: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    return this;
  }
}
