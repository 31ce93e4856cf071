import { makeRunEvent, type RunEvent, type TriggerInfo } from '@chainmail/contracts';
import { runRecordOf } from '@chainmail/persistence';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import type { RunSoFar } from './mail-composer';
import { runFacts, type RunFacts } from './run-facts';

/** Test support: the seed workflow and runs of it, event by event, on a fixed clock. */

export const SEED_YAML = `
name: competitor-analysis
trigger: email to competitor-intel@
steps:
  - name: research
    agent: research@
    input: "Research competitors for: {{user_input}}"
  - name: summarize
    agent: summarize@
    input: "Summarize this research: {{research.output}}"
  - name: draft
    agent: write-report@
    input: "Create a competitive analysis report based on: {{summarize.output}}"
  - name: review
    agent: proofread@
    input: "Review and polish: {{draft.output}}"
output: "{{review.output}}"
`;

export function definitionOf(yaml: string): WorkflowDefinition {
  const parsed = parseWorkflow(yaml);
  if (!parsed.ok) throw new Error(`fixture does not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.definition;
}

/** The seed workflow with other top-level settings appended (`mode: streaming`, an output map…). */
export function seedWith(extra: string): WorkflowDefinition {
  return definitionOf(SEED_YAML.replace(/^output: .*$/m, '') + extra);
}

export const EMAIL_TRIGGER: TriggerInfo = {
  kind: 'email',
  details: {
    from: 'jane@acme.example',
    to: 'competitor-intel@chainmail.local',
    subject: 'CRM competitors',
    messageId: '<req-1@acme.example>',
    references: ['<older@acme.example>'],
    attachments: [],
  },
};

export class RunScript {
  private tick = 0;
  private inputs: Record<string, unknown> = { user_input: 'Analyze our competitors in the CRM space' };

  constructor(
    readonly runId: string,
    readonly definition: WorkflowDefinition,
    readonly trigger: TriggerInfo = EMAIL_TRIGGER,
    private readonly base = Date.parse('2030-01-01T09:00:00.000Z'),
  ) {}

  at(ms = 1000): string {
    this.tick += ms;
    return new Date(this.base + this.tick).toISOString();
  }

  started(inputs: Record<string, unknown> = this.inputs): RunEvent {
    this.inputs = inputs;
    return makeRunEvent('RunStarted', this.runId, new Date(this.base).toISOString(), {
      workflow: this.definition.name,
      version: 1,
      inputs,
      trigger: this.trigger,
      owner: 'local',
      actor: 'jane@acme.example',
      debug: false,
      commandId: `start-${this.runId}`,
      timeoutMs: 600_000,
    });
  }

  stepStarted(stepId: string, agent = `${stepId}@`, attempt = 1, visit = 1): RunEvent {
    return makeRunEvent('StepStarted', this.runId, this.at(0), {
      stepId,
      visit,
      attempt,
      agent,
      input: `in ${stepId}`,
    });
  }

  stepSucceeded(stepId: string, output = `output of ${stepId}`, visit = 1, attempt = 1): RunEvent {
    return makeRunEvent('StepSucceeded', this.runId, this.at(), {
      stepId,
      visit,
      attempt,
      output,
      durationMs: 1000,
    });
  }

  stepFailed(stepId: string, attempt = 1, retryable = false, visit = 1): RunEvent {
    return makeRunEvent('StepFailed', this.runId, this.at(), {
      stepId,
      visit,
      attempt,
      error: { code: 'AGENT_ERROR', message: `${stepId} answered 500`, retryable },
      durationMs: 1000,
    });
  }

  succeeded(output: string, durationMs: number): RunEvent {
    return makeRunEvent('RunSucceeded', this.runId, this.at(0), { output, durationMs });
  }

  failed(stepId: string, durationMs = 2000): RunEvent {
    return makeRunEvent('RunFailed', this.runId, this.at(0), {
      error: { code: 'AGENT_ERROR', message: `${stepId} answered 500`, retryable: false, stepId },
      durationMs,
    });
  }

  timedOut(stepId?: string): RunEvent {
    return makeRunEvent('RunTimedOut', this.runId, this.at(0), {
      timeoutMs: 600_000,
      durationMs: 600_000,
      stepId,
    });
  }

  cancelled(): RunEvent {
    return makeRunEvent('RunCancelled', this.runId, this.at(0), {
      reason: 'no longer needed',
      by: 'jane',
      durationMs: 3000,
    });
  }

  /** The seed's four agents: research@, summarize@, write-report@, proofread@. */
  seedRun(report: string, durationMs: number): RunEvent[][] {
    const agents: Record<string, string> = {
      research: 'research@',
      summarize: 'summarize@',
      draft: 'write-report@',
      review: 'proofread@',
    };
    const ids = Object.keys(agents);
    const commits: RunEvent[][] = [[this.started(), this.stepStarted('research', agents.research)]];
    ids.forEach((id, i) => {
      const next = ids[i + 1];
      commits.push(
        next
          ? [this.stepSucceeded(id), this.stepStarted(next, agents[next])]
          : [this.stepSucceeded(id, report), this.succeeded(report, durationMs)],
      );
    });
    return commits;
  }

  facts(): RunFacts {
    return runFacts(this.started() as Extract<RunEvent, { type: 'RunStarted' }>, this.definition);
  }

  /** The run as far as (and including) commit `upTo`: its views as the projector writes them, its events. */
  soFar(commits: RunEvent[][], upTo = commits.length - 1): RunSoFar {
    const prefix = commits.slice(0, upTo + 1);
    const run = runRecordOf(
      this.runId,
      prefix.map((events, i) => ({ runId: this.runId, prev: i, seq: i + 1, events })),
    );
    if (!run) throw new Error(`run ${this.runId} has no commits up to ${upTo}`);
    return { facts: this.facts(), run, events: prefix.flat() };
  }
}
