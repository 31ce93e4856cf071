import type { AgentEntry } from '@chainmail/agents';
import { TERMINAL_RUN_EVENTS, type RunEventOf, type StoredRunCommit } from '@chainmail/contracts';
import { awaitsCall, type RunState } from '@chainmail/engine';
import {
  extractTraceContext,
  injectTraceHeaders,
  recordFailure,
  runAttributes,
  runContext,
  SpanKind,
  withSpan,
  type Context,
  type Tracer,
} from '@chainmail/telemetry';
import type { AgentInvoker } from './agent-invoker';
import type { AgentMailer } from './agent-mailer';
import type { AgentSlots } from './agent-slots';
import type { ChildRuns } from './child-runs';
import type { RunCommandHandler } from './run-command-handler';
import type { RunStore } from './run-store';

/** What a step's agent is, how many calls it takes at once, and how email agents' mail goes out. */
export interface AgentGate {
  /** The directory entry the call would use (kind, concurrency, an email agent's mailbox). */
  entry(address: string): AgentEntry | undefined;
  slots: AgentSlots;
  mailer: AgentMailer;
}

/** A step's span is a child of its run's span, whichever commit or process runs the step. */
function stepParent(run: Pick<RunState, 'runId' | 'traceparent'>): Context {
  return runContext({ runId: run.runId, startedIn: run.traceparent });
}

/** A run waiting at least this long for a timer leaves the hot cache (its wake-up rereads the log). */
const LONG_WAIT_MS = 60_000;

/** One attempt's call, from its `StepStarted` or, after a deferral, its `StepResumed`. */
interface CallStart {
  stepId: string;
  visit: number;
  attempt: number;
  agent: string;
  input: string;
  timeoutMs?: number;
}

/**
 * Reacts to each run commit: the agent calls its `StepStarted` events ask for are made and their
 * results go back through the command handler; sub-workflow starts, ends and give-ups go to
 * `ChildRuns`; calls of attempts that ended otherwise (a timeout, a loop, the run's end) are
 * abandoned. A redelivered commit finds its steps already done and does nothing; a crash before
 * a result was appended makes the call again, and the log's sequence check keeps one result.
 * An agent at its concurrency limit defers the attempt (no worker held; a resume timer brings it
 * back as `StepResumed`); an email agent's step sends its mail and waits for the reply.
 */
export class StepRunner {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly runs: RunStore,
    private readonly commands: RunCommandHandler,
    private readonly invoker: Pick<AgentInvoker, 'invoke'>,
    private readonly children: ChildRuns,
    private readonly tracer: Tracer,
    private readonly gate?: AgentGate,
  ) {}

  async onCommit(commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    const calls: RunEventOf<'StepStarted'>[] = [];
    const resumed: RunEventOf<'StepResumed'>[] = [];
    const childStarts: RunEventOf<'StepStarted'>[] = [];
    const work: Promise<void>[] = [];
    let ended = false;
    let parked = false;
    for (const event of commit.events) {
      switch (event.type) {
        case 'StepStarted':
          // A workflow-kind agent's step names its agent and runs a child: the child comes first.
          if (event.data.childRunId !== undefined) childStarts.push(event);
          else if (event.data.agent !== undefined) calls.push(event);
          break;
        case 'StepResumed':
          resumed.push(event);
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
        case 'AgentMailSent': // an email agent's reply may take hours
          parked = true;
          break;
        case 'StepRetryScheduled': // a long backoff is a wait like any other
          if (event.data.delayMs >= LONG_WAIT_MS) parked = true;
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
    if (calls.length > 0 || resumed.length > 0 || childStarts.length > 0 || ended) {
      const loaded = await this.runs.observe(commit);
      // The engine says whether the attempt still waits for this very call (the log may have moved on).
      const current = (at: { stepId: string; visit: number; attempt: number }): boolean =>
        awaitsCall(loaded.state, at);
      for (const start of childStarts)
        if (current(start.data)) work.push(this.startChild(loaded.state, start));
      for (const start of calls) {
        const { stepId, visit, attempt, agent, input, timeoutMs } = start.data;
        const call = { stepId, visit, attempt, agent: agent ?? '', input: input ?? '', timeoutMs };
        if (current(start.data)) work.push(this.call(commit, loaded.state, call));
      }
      for (const resume of resumed) {
        const step = loaded.state.steps[resume.data.stepId];
        if (step?.agent === undefined || !current(resume.data)) continue;
        const { stepId, visit, attempt } = resume.data;
        const call = {
          stepId,
          visit,
          attempt,
          agent: step.agent,
          input: step.input ?? '',
          timeoutMs: step.timeoutMs,
        };
        work.push(this.call(commit, loaded.state, call));
      }
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
    // A run waiting for a person (or a long timer) may wait for days: it leaves the hot cache.
    if (parked && calls.length === 0 && resumed.length === 0 && childStarts.length === 0)
      this.runs.forget(commit.runId);
    await Promise.all(work);
  }

  private async call(commit: StoredRunCommit, run: RunState, start: CallStart): Promise<void> {
    const { stepId, visit, attempt, agent } = start;
    const { workflow } = run;
    const key = `${commit.runId}/${stepId}/${visit}/${attempt}`;
    // A redelivery while this process still works on the call: the call in progress answers.
    if (this.inFlight.has(key)) return;
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    const identity = { runId: commit.runId, workflow, version: run.version, stepId, agent };
    try {
      await withSpan(
        this.tracer,
        `step ${stepId}`,
        { parent: stepParent(run), attributes: runAttributes(identity) },
        async (stepSpan, stepContext) => {
          const entry = this.gate?.entry(agent);
          if (this.gate && entry?.kind === 'email') {
            const mail = { runId: commit.runId, workflow, stepId, visit, attempt, input: start.input };
            await this.gate.mailer.dispatch(entry, mail);
            return;
          }
          let lease: Awaited<ReturnType<AgentSlots['acquire']>>;
          if (this.gate && entry?.concurrency !== undefined) {
            lease = await this.gate.slots.acquire(entry.address, entry.concurrency, key);
            if (lease === undefined) {
              await this.defer(
                commit.runId,
                run,
                start,
                `${entry.address} is at its concurrency limit (${entry.concurrency} at once)`,
                stepContext,
              );
              return;
            }
          }
          let outcome;
          try {
            outcome = await withSpan(
              this.tracer,
              `agent ${agent}`,
              { kind: SpanKind.CLIENT, attributes: runAttributes(identity), parent: stepContext },
              (agentSpan) =>
                this.invoker
                  .invoke({
                    runId: commit.runId,
                    stepId,
                    visit,
                    attempt,
                    agent,
                    input: start.input,
                    workflow,
                    owner: run.owner,
                    timeoutMs: start.timeoutMs,
                    signal: controller.signal,
                  })
                  .then((result) => {
                    if (!result.ok) recordFailure(agentSpan, result.error);
                    return result;
                  }),
            );
          } finally {
            // Free the slot as soon as the agent has answered, before the result is appended.
            await lease?.release();
          }
          if (!outcome.ok) recordFailure(stepSpan, outcome.error);
          // Abandoned meanwhile (a durable timeout, a loop, the run's end): the log has moved on.
          if (controller.signal.aborted) return;
          await this.commands.handle(
            commit.runId,
            { type: 'CompleteStep', data: { stepId, visit, attempt, outcome } },
            `${commit.runId}:${stepId}:${visit}:${attempt}:done`,
            injectTraceHeaders({}, stepContext),
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
  ): Promise<void> {
    const { stepId } = start.data;
    const identity = { runId: parent.runId, workflow: parent.workflow, version: parent.version, stepId };
    await withSpan(
      this.tracer,
      `step ${stepId}`,
      { parent: stepParent(parent), attributes: runAttributes(identity) },
      () => this.children.start(parent, start),
    );
  }

  /** No free slot: the attempt waits for a resume timer (decided by the engine), holding nothing. */
  private async defer(
    runId: string,
    run: RunState,
    start: CallStart,
    reason: string,
    ctx: Context,
  ): Promise<void> {
    const { stepId, visit, attempt } = start;
    const deferral = (run.steps[stepId]?.deferrals ?? 0) + 1;
    await this.commands.handle(
      runId,
      { type: 'DeferStep', data: { stepId, visit, attempt, reason } },
      `${runId}:${stepId}:${visit}:${attempt}:defer:${deferral}`,
      injectTraceHeaders({}, ctx),
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
