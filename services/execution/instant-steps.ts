import type { RunEvent, RunEventOf, StepOutcome } from '@chainmail/contracts';
import { awaitsCall, type Decided, type RunState } from '@chainmail/engine';
import {
  recordFailure,
  runAttributes,
  runContext,
  SpanKind,
  withSpan,
  type Tracer,
} from '@chainmail/telemetry';
import type { StepInvocation } from './agent-invoker';

/** At most this many steps' results ride in one commit; the rest go the usual way. */
const MAX_STEPS_PER_COMMIT = 64;
/** Nor more than this much output: a commit stays far below the stream's message size. */
const MAX_OUTPUT_CHARS_PER_COMMIT = 256 * 1024;

/** What a decision's context needs to decide one more result on the way (events and the state after them). */
export type DecideResult = (
  state: RunState,
  result: { stepId: string; visit: number; attempt: number; outcome: StepOutcome },
) => Decided;

/**
 * Steps whose agent is instant (a builtin: pure, in-process, no IO — `Agent.instant`) are run while
 * their start is decided, and their results decided at once, so one commit holds the start, the
 * result and whatever followed, up to the next step that really waits for something. A four-step
 * pipeline of builtins is then one append instead of five, and its four round trips through the
 * stream are gone. Nothing runs ahead of the log: the whole commit is appended or nothing is, and a
 * command redelivered after a crash decides (and calls) again.
 */
export class InstantSteps {
  constructor(
    private readonly isInstant: (agent: string) => boolean,
    private readonly invoker: { invoke(call: StepInvocation): Promise<StepOutcome> },
    private readonly tracer?: Tracer,
  ) {}

  /**
   * `decided`'s events followed by the results of the instant calls they start, and so on, with the
   * state after all of them (folded once, by the decisions that made them).
   */
  async runAhead(decided: Decided, decideResult: DecideResult): Promise<Decided> {
    let all = decided.events;
    let batch = decided.events;
    let current = decided.state;
    let steps = 0;
    let chars = 0;
    for (;;) {
      const run = current;
      const starts = batch.filter(
        (e): e is RunEventOf<'StepStarted'> =>
          e.type === 'StepStarted' &&
          e.data.agent !== undefined &&
          e.data.childRunId === undefined &&
          awaitsCall(run, e.data) &&
          this.isInstant(e.data.agent),
      );
      if (starts.length === 0 || steps + starts.length > MAX_STEPS_PER_COMMIT)
        return { events: all, state: run };
      const outcomes = await Promise.all(starts.map((start) => this.call(run, start)));
      const next: RunEvent[] = [];
      starts.forEach((start, i) => {
        const { stepId, visit, attempt } = start.data;
        const result = decideResult(current, { stepId, visit, attempt, outcome: outcomes[i] });
        current = result.state;
        next.push(...result.events);
        const outcome = outcomes[i];
        chars += outcome.ok ? outcome.output.length : outcome.error.message.length;
      });
      all = all.concat(next);
      batch = next;
      steps += starts.length;
      if (chars > MAX_OUTPUT_CHARS_PER_COMMIT) return { events: all, state: current };
    }
  }

  private call(run: RunState, start: RunEventOf<'StepStarted'>): Promise<StepOutcome> {
    const { stepId, visit, attempt, agent = '', input = '' } = start.data;
    const invoke = (): Promise<StepOutcome> =>
      this.invoker.invoke({
        runId: run.runId,
        stepId,
        visit,
        attempt,
        agent,
        input,
        workflow: run.workflow,
        owner: run.owner,
        signal: NEVER_ABORTED,
      });
    const tracer = this.tracer;
    if (tracer === undefined) return invoke();
    // As for any step: the step's span is a child of the run's, the agent call a child of the step.
    const identity = { runId: run.runId, workflow: run.workflow, version: run.version, stepId, agent };
    const attributes = runAttributes(identity);
    const parent = runContext({ runId: run.runId, startedIn: run.traceparent });
    return withSpan(tracer, `step ${stepId}`, { parent, attributes }, (step, stepContext) =>
      withSpan(tracer, `agent ${agent}`, { kind: SpanKind.CLIENT, attributes, parent: stepContext }, async (call) => {
        const outcome = await invoke();
        if (!outcome.ok) for (const span of [call, step]) recordFailure(span, outcome.error);
        return outcome;
      }),
    );
  }
}

/** An instant call is over before anything could cancel it. */
const NEVER_ABORTED = new AbortController().signal;
