import { TERMINAL_RUN_EVENTS, type RunEventOf, type StoredRunCommit } from '@chainmail/contracts';
import {
  extractTraceContext,
  injectTraceHeaders,
  runAttributes,
  SpanKind,
  withSpan,
  type Tracer,
} from '@chainmail/telemetry';
import type { AgentInvoker } from './agent-invoker';
import type { ChildRuns } from './child-runs';
import type { RunCommandHandler } from './run-command-handler';
import type { RunStore } from './run-store';

/**
 * Reacts to each run commit: the agent calls its `StepStarted` events ask for are made and their
 * results go back through the command handler; sub-workflow starts, ends and give-ups go to
 * `ChildRuns`; calls of attempts that ended otherwise (a timeout, a loop, the run's end) are
 * abandoned. A redelivered commit finds its steps already done and does nothing; a crash before
 * a result was appended makes the call again, and the log's sequence check keeps one result.
 */
export class StepRunner {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly runs: RunStore,
    private readonly commands: RunCommandHandler,
    private readonly invoker: AgentInvoker,
    private readonly children: ChildRuns,
    private readonly tracer: Tracer,
  ) {}

  async onCommit(commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    const calls: RunEventOf<'StepStarted'>[] = [];
    const childStarts: RunEventOf<'StepStarted'>[] = [];
    const work: Promise<void>[] = [];
    let ended = false;
    let parked = false;
    for (const event of commit.events) {
      switch (event.type) {
        case 'StepStarted':
          if (event.data.agent !== undefined) calls.push(event);
          else if (event.data.childRunId !== undefined) childStarts.push(event);
          break;
        case 'StepFailed':
          this.abandon(`${commit.runId}/${event.data.stepId}/${event.data.visit}/${event.data.attempt}`);
          break;
        case 'StepSkipped':
          this.abandon(`${commit.runId}/${event.data.stepId}/${event.data.visit}/`);
          break;
        case 'ChildRunAbandoned':
          work.push(
            this.traced(`cancel sub-workflow ${event.data.childRunId}`, commit.runId, headers, () =>
              this.children.cancel(event),
            ),
          );
          break;
        case 'CheckpointOpened':
          parked = true;
          break;
        case 'RunSucceeded':
        case 'RunFailed':
        case 'RunCancelled':
        case 'RunTimedOut':
          this.abandon(`${commit.runId}/`);
          ended = true;
          break;
        default:
          break;
      }
    }
    if (calls.length > 0 || childStarts.length > 0 || ended) {
      const loaded = await this.runs.observe(commit);
      const current = (start: RunEventOf<'StepStarted'>): boolean => {
        const step = loaded.state.steps[start.data.stepId];
        return (
          step?.status === 'running' &&
          step.pending !== true &&
          step.visit === start.data.visit &&
          step.attempt === start.data.attempt
        );
      };
      for (const start of childStarts)
        if (current(start)) work.push(this.startChild(loaded.state, start, headers));
      for (const start of calls)
        if (current(start)) work.push(this.call(commit, loaded.state.workflow, start, headers));
      if (ended) {
        const end = commit.events.find((e) => TERMINAL_RUN_EVENTS.has(e.type));
        const parent = loaded.state.parent;
        if (end !== undefined && parent !== undefined) {
          const report = (): Promise<void> => this.children.ended(loaded.state, end);
          work.push(this.traced(`sub-workflow ended`, parent.runId, headers, report));
        }
        this.runs.forget(commit.runId);
      }
    }
    // A run waiting for a person may wait for days: it need not stay in the hot cache meanwhile.
    if (parked && calls.length === 0 && childStarts.length === 0) this.runs.forget(commit.runId);
    await Promise.all(work);
  }

  private async call(
    commit: StoredRunCommit,
    workflow: string,
    start: RunEventOf<'StepStarted'>,
    headers?: Record<string, string>,
  ): Promise<void> {
    const { stepId, visit, attempt } = start.data;
    const key = `${commit.runId}/${stepId}/${visit}/${attempt}`;
    // A redelivery while this process still works on the call: the call in progress answers.
    if (this.inFlight.has(key)) return;
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    const agent = start.data.agent ?? '';
    const identity = { runId: commit.runId, workflow, stepId, agent };
    try {
      await withSpan(
        this.tracer,
        `step ${stepId}`,
        { parent: extractTraceContext(headers), attributes: runAttributes(identity) },
        async () => {
          const outcome = await withSpan(
            this.tracer,
            `agent ${agent}`,
            { kind: SpanKind.CLIENT, attributes: runAttributes(identity) },
            () =>
              this.invoker.invoke({
                runId: commit.runId,
                stepId,
                visit,
                attempt,
                agent,
                input: start.data.input ?? '',
                timeoutMs: start.data.timeoutMs,
                signal: controller.signal,
              }),
          );
          // Abandoned meanwhile (a durable timeout, a loop, the run's end): the log has moved on.
          if (controller.signal.aborted) return;
          await this.commands.handle(
            commit.runId,
            { type: 'CompleteStep', data: { stepId, visit, attempt, outcome } },
            `${commit.runId}:${stepId}:${visit}:${attempt}:done`,
            injectTraceHeaders({}),
          );
        },
      );
    } finally {
      if (this.inFlight.get(key) === controller) this.inFlight.delete(key);
    }
  }

  private async startChild(
    parent: Parameters<ChildRuns['start']>[0],
    start: RunEventOf<'StepStarted'>,
    headers?: Record<string, string>,
  ): Promise<void> {
    const { stepId } = start.data;
    const identity = { runId: parent.runId, workflow: parent.workflow, stepId };
    await withSpan(
      this.tracer,
      `step ${stepId}`,
      { parent: extractTraceContext(headers), attributes: runAttributes(identity) },
      () => this.children.start(parent, start),
    );
  }

  /** Runs `work` in a span of the run's trace (the commit's `traceparent`), so its appends carry it on. */
  private traced(
    name: string,
    runId: string,
    headers: Record<string, string> | undefined,
    work: () => Promise<void>,
  ): Promise<void> {
    return withSpan(
      this.tracer,
      name,
      { parent: extractTraceContext(headers), attributes: runAttributes({ runId }) },
      work,
    );
  }

  /** Aborts the calls in flight whose key starts with `prefix` (a run, a visit, an attempt). */
  private abandon(prefix: string): void {
    for (const [key, controller] of this.inFlight) {
      if (key === prefix || key.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) controller.abort();
    }
  }
}
