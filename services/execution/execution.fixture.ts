import type { Agent, AgentBinding, AgentCall, AgentResult, ModelPrices } from '@chainmail/agents';
import { AgentDirectory, agentFactory, agentRuntime, builtinAgents } from '@chainmail/agents';
import type { Command, RunCommit, StoredRunCommit, WorkflowDefinition } from '@chainmail/contracts';
import { createTelemetry } from '@chainmail/telemetry';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { agentFactsFrom } from './agent-facts';
import { AgentInvoker } from './agent-invoker';
import { AgentMailNotSent, type AgentMailMessage, type AgentMailTransport } from './agent-mail-transport';
import { AgentMailer } from './agent-mailer';
import type { AgentLease, AgentSlots } from './agent-slots';
import { ChildRuns, type CommandSender } from './child-runs';
import { CommitReactions } from './commit-reactions';
import { InstantSteps } from './instant-steps';
import type { OwnerMemberships } from './owner-memberships';
import { RunCommandHandler } from './run-command-handler';
import { RunStore, type RunLogPort } from './run-store';
import { StepRunner } from './step-runner';

/**
 * The execution shell wired to in-memory stand-ins: a run log that checks expected sequences
 * like JetStream, a command bus that records what was sent, and a pump that hands every commit
 * to the step runner the way the durable consumer does. No NATS.
 */

export class AppendConflictStub extends Error {}

export class MemoryRunLog implements RunLogPort {
  readonly commits: StoredRunCommit[] = [];
  private readonly msgIds = new Map<string, number>();
  /** Called for each stored commit (the consumer's delivery). */
  onAppend: (commit: StoredRunCommit) => void = () => undefined;

  async read(runId: string): Promise<StoredRunCommit[]> {
    return this.commits.filter((c) => c.runId === runId);
  }

  async append(commit: RunCommit, msgId: string): Promise<{ seq: number; duplicate: boolean }> {
    const known = this.msgIds.get(msgId);
    if (known !== undefined) return { seq: known, duplicate: true };
    // Checked and stored in one synchronous step, as the server does.
    const last = this.commits.filter((c) => c.runId === commit.runId).at(-1)?.seq ?? 0;
    if (commit.prev !== last) throw new AppendConflictStub(`expected ${commit.prev}, last is ${last}`);
    const stored = { ...commit, seq: this.commits.length + 1 };
    this.commits.push(stored);
    this.msgIds.set(msgId, stored.seq);
    this.onAppend(stored);
    return { seq: stored.seq, duplicate: false };
  }

  events(runId: string): string[] {
    return this.commits
      .filter((c) => c.runId === runId)
      .flatMap((c) =>
        c.events.map((e) => `${e.type}${'stepId' in e.data ? `:${String(e.data.stepId)}` : ''}`),
      );
  }
}

export class RecordingBus implements CommandSender {
  readonly sent: { subject: string; command: Command }[] = [];
  async send(subject: string, command: { commandId: string }): Promise<unknown> {
    this.sent.push({ subject, command: command as Command });
    return {};
  }
}

export function definitionOf(yaml: string): WorkflowDefinition {
  const parsed = parseWorkflow(yaml, { knownAgents: () => true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.definition;
}

/** An agent whose calls wait until the test answers them. */
export class HeldAgent implements Agent {
  readonly kind = 'builtin';
  readonly description = 'answers when the test says so';
  readonly calls: { call: AgentCall; answer: (output: string) => void; aborted: () => boolean }[] = [];

  constructor(readonly address: string) {}

  invoke(call: AgentCall): Promise<AgentResult> {
    return new Promise((resolve, reject) => {
      call.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      this.calls.push({ call, answer: (output) => resolve({ output }), aborted: () => call.signal.aborted });
    });
  }
}

/** Leases in memory: the concurrency rule of `KvAgentSlots` without NATS. */
export class MemorySlots implements AgentSlots {
  readonly held = new Map<string, Set<string>>();
  maxHeld = 0;

  async acquire(address: string, limit: number, holder: string): Promise<AgentLease | undefined> {
    const holders = this.held.get(address) ?? new Set<string>();
    this.held.set(address, holders);
    if (holders.size >= limit) return undefined;
    holders.add(holder);
    this.maxHeld = Math.max(this.maxHeld, holders.size);
    return { release: async () => void holders.delete(holder) };
  }

  close(): void {}
}

/** Keeps the mails it is given; refuses them while told to. */
export class RecordingMailTransport implements AgentMailTransport {
  readonly sent: AgentMailMessage[] = [];
  refusal?: AgentMailNotSent;

  async send(mail: AgentMailMessage): Promise<void> {
    if (this.refusal) throw this.refusal;
    this.sent.push(mail);
  }

  close(): void {}
}

export interface HarnessOptions {
  /** Registered directory entries; an in-process agent of the same address answers their calls. */
  bindings?: (Omit<AgentBinding, 'owner' | 'by' | 'registeredAt' | 'seq'> &
    Partial<Pick<AgentBinding, 'owner'>>)[];
  prices?: ModelPrices;
  /** Team memberships of run owners (which sub-workflows of other owners a run may start). */
  memberships?: OwnerMemberships;
  /** Run instant builtins' steps while deciding, as the service does (default true). */
  instant?: boolean;
}

export class ExecutionHarness {
  readonly log = new MemoryRunLog();
  readonly bus = new RecordingBus();
  readonly definitions = new Map<string, WorkflowDefinition>();
  /** Owners of published workflows; a workflow not named here has no owner (any run may start it). */
  readonly owners = new Map<string, string>();
  readonly directory: AgentDirectory;
  readonly commands: RunCommandHandler;
  readonly runner: StepRunner;
  readonly reactions: CommitReactions;
  /** Reactions to commits that failed (the consumer would redeliver them). */
  readonly failures: unknown[] = [];
  readonly slots = new MemorySlots();
  readonly mail = new RecordingMailTransport();
  private readonly deliveries: Promise<void>[] = [];
  now = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(agents: Agent[] = [], options: HarnessOptions = {}) {
    const bindings: AgentBinding[] = (options.bindings ?? []).map((b, i) => ({
      // The owner of the harness's runs (see `start`): its agents are its own.
      owner: 'o',
      by: 'test',
      registeredAt: '2026-01-01T00:00:00.000Z',
      seq: i + 1,
      ...b,
    }));
    const build = agentFactory(agentRuntime());
    const inProcess = new Map(agents.map((agent) => [agent.address, agent]));
    this.directory = new AgentDirectory([...builtinAgents(), ...agents], {
      bindings: { get: (address) => bindings.find((b) => b.address === address), list: () => bindings },
      build: (binding) => inProcess.get(binding.address) ?? build(binding),
    });
    const runs = new RunStore(this.log);
    const source = {
      definition: async (workflow: string): Promise<WorkflowDefinition> => {
        const found = this.definitions.get(workflow);
        if (found === undefined) throw new Error(`no workflow ${workflow}`);
        return found;
      },
      activeVersion: (workflow: string): number | undefined =>
        this.definitions.has(workflow) ? 1 : undefined,
      ownerOf: (workflow: string): string | undefined => this.owners.get(workflow),
    };
    const tracer = createTelemetry().tracer('execution');
    const invoker = new AgentInvoker(this.directory);
    this.commands = new RunCommandHandler(
      runs,
      source,
      (err) => err instanceof AppendConflictStub,
      () => this.now,
      agentFactsFrom(this.directory, { prices: options.prices ?? {}, mailTimeoutMs: 86_400_000 }),
      options.instant === false
        ? undefined
        : new InstantSteps((address) => this.directory.isInstant(address), invoker, tracer),
    );
    const mailer = new AgentMailer(
      this.mail,
      {
        from: 'Chainmail <chainmail@chainmail.local>',
        replyTo: 'agent-replies@chainmail.local',
        domain: 'chainmail.local',
      },
      this.commands,
      () => this.now,
    );
    this.runner = new StepRunner(
      runs,
      this.commands,
      invoker,
      new ChildRuns(this.bus, source, this.commands, options.memberships),
      tracer,
      { entry: (address) => this.directory.entry(address), slots: this.slots, mailer },
    );
    // As in the service: the writer reacts to its own commit at once, and every stored commit
    // is delivered too, as the durable consumer does; the delivery joins the reaction in hand.
    this.reactions = new CommitReactions(
      (commit) => this.runner.onCommit(commit),
      (_commit, err) => this.failures.push(err),
    );
    runs.onAppended((commit) => this.reactions.appended(commit));
    this.log.onAppend = (commit) => {
      this.deliveries.push(Promise.resolve().then(() => this.reactions.delivered(commit)));
    };
  }

  publish(yaml: string): WorkflowDefinition {
    const definition = definitionOf(yaml);
    this.definitions.set(definition.name, definition);
    return definition;
  }

  async start(
    runId: string,
    workflow: string,
    inputs: Record<string, unknown> = {},
    owner = 'o',
  ): Promise<void> {
    await this.commands.handle(
      runId,
      {
        type: 'StartRun',
        data: {
          commandId: `start:${runId}`,
          runId,
          workflow,
          version: 1,
          inputs,
          trigger: { kind: 'api' },
          owner,
          actor: 'a',
          debug: false,
        },
      },
      `${runId}:start`,
    );
  }

  /** Waits until every delivery so far (and those they cause) has been handled. */
  async settle(): Promise<void> {
    for (let i = 0; i < this.deliveries.length; i++) await this.deliveries[i];
  }

  /** Lets pending promise callbacks run (agents answering, commits delivered). */
  async tick(times = 20): Promise<void> {
    for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
  }
}
