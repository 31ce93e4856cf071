import type { RunEventOf, StoredRunCommit } from '@chainmail/contracts';
import type { WorkflowDefinition } from '@chainmail/workflow-dsl';
import {
  extractTraceContext,
  injectTraceHeaders,
  runAttributes,
  SpanKind,
  withSpan,
  type Tracer,
} from '@chainmail/telemetry';
import type { AgentInvoker } from './agent-invoker';
import type { RunCommandHandler } from './run-command-handler';
import type { RunStore } from './run-store';

/**
 * Reacts to each run commit: the agent calls its `StepStarted` events ask for are made, and their
 * results go back through the command handler. A redelivered commit finds its steps already done
 * and does nothing; a crash before the result was appended makes the call again, and the log's
 * sequence check keeps one result.
 */
export class StepRunner {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly runs: RunStore,
    private readonly commands: RunCommandHandler,
    private readonly invoker: AgentInvoker,
    private readonly definitions: {
      definition(workflow: string, version: number): Promise<WorkflowDefinition>;
    },
    private readonly tracer: Tracer,
  ) {}

  async onCommit(commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    const starts: RunEventOf<'StepStarted'>[] = [];
    for (const event of commit.events) {
      if (event.type === 'StepStarted' && event.data.agent !== undefined) starts.push(event);
      else if (event.type === 'RunCancelled' || event.type === 'RunFailed') this.abandon(commit.runId);
      else if (event.type === 'RunSucceeded') this.runs.forget(commit.runId);
    }
    if (starts.length === 0) return;
    const loaded = await this.runs.observe(commit);
    const definition = await this.definitions.definition(loaded.state.workflow, loaded.state.version);
    await Promise.all(
      starts.map(async (start) => {
        const { stepId, visit, attempt } = start.data;
        const step = loaded.state.steps[stepId];
        if (step?.status !== 'running' || step.visit !== visit || step.attempt !== attempt) return;
        const key = `${commit.runId}/${stepId}`;
        const controller = new AbortController();
        this.inFlight.set(key, controller);
        const agent = start.data.agent ?? '';
        const identity = { runId: commit.runId, workflow: loaded.state.workflow, stepId, agent };
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
                    timeoutMs: definition.steps.find((s) => s.id === stepId)?.timeoutMs,
                    signal: controller.signal,
                  }),
              );
              await this.commands.handle(
                commit.runId,
                { type: 'CompleteStep', data: { stepId, visit, attempt, outcome } },
                `${commit.runId}:${stepId}:${visit}:${attempt}:done`,
                injectTraceHeaders({}),
              );
            },
          );
        } finally {
          this.inFlight.delete(key);
        }
      }),
    );
  }

  private abandon(runId: string): void {
    for (const [key, controller] of this.inFlight) {
      if (key.startsWith(`${runId}/`)) controller.abort();
    }
    this.runs.forget(runId);
  }
}
