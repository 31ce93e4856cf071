import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, WorkflowDefinition } from '@chainmail/contracts';
import {
  decide,
  evolveAll,
  foldCommits,
  initialRunState,
  type DecisionContext,
  type RunCommand,
  type RunState,
} from '@chainmail/engine';
import { definitionOf } from './testing/run-script';
import {
  commandOf,
  instantResultAt,
  stateSummary,
  type RecordedCommit,
  type RecordedRun,
  type ReplayLog,
} from './testing/replay-log';

/**
 * Replay tests, as Temporal does for workflow code: logs of past runs are folded and decided
 * again with today's engine. A change that would read or decide differently for a run already in
 * a log fails here; if the change is meant, it needs a new event version or a migration, not a
 * re-recorded fixture.
 */

const REPLAYS = join(__dirname, 'replays');

/** Every construct has a run recorded on the real system (`test/e2e/record-replays.e2e.ts`). */
const CONSTRUCTS = [
  'agent',
  'switch-goto',
  'goto-loop',
  'parallel',
  'foreach',
  'retry',
  'timeout',
  'run-timeout',
  'checkpoint-timeout',
  'cancel',
  'checkpoint',
  'sub-workflow',
  'budget-refusal',
  'deferral',
  'email-agent',
  'debug',
];

interface Replay {
  name: string;
  log: ReplayLog;
  /** The fixture's workflows by name (a sub-workflow's child too). */
  definitions: Map<string, WorkflowDefinition>;
}

const replays: Replay[] = readdirSync(REPLAYS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const dir = join(REPLAYS, entry.name);
    const files = readdirSync(dir);
    const definitions = new Map(
      files
        .filter((file) => file.endsWith('.yaml'))
        .map((file) => {
          const definition = definitionOf(readFileSync(join(dir, file), 'utf8'));
          return [definition.name, definition] as const;
        }),
    );
    const log = JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as ReplayLog;
    return { name: entry.name, log, definitions };
  });

/** JSON drops undefined fields: compare what a log would hold. */
const asLogged = (events: RunEvent[]): unknown => JSON.parse(JSON.stringify(events));

function definitionFor(replay: Replay, run: RecordedRun): WorkflowDefinition {
  const definition = replay.definitions.get(run.workflow);
  if (definition === undefined)
    throw new Error(`replays/${replay.name} has no ${run.workflow}.yaml for run ${run.runId}`);
  return definition;
}

it('has a recorded run for every construct', () => {
  expect(replays.map((r) => r.name).sort()).toEqual([...CONSTRUCTS].sort());
});

describe.each(replays.map((r) => [r.name, r] as const))('the recorded %s run', (_name, replay) => {
  const runs = replay.log.runs.map((run) => [run.runId, run] as const);

  it.each(runs)('folds run %s into the states recorded after each commit', (runId, run) => {
    let state: RunState = initialRunState(runId);
    run.commits.forEach((commit) => {
      state = evolveAll(state, commit.events);
      expect({ seq: commit.seq, state: stateSummary(state) }).toEqual({
        seq: commit.seq,
        state: commit.state,
      });
    });
    expect(
      foldCommits(
        runId,
        run.commits.map((c) => ({ runId, prev: c.prev, events: c.events })),
      ),
    ).toEqual(state);
    // The projector's view of the same log, as the API showed it at the end.
    expect({ status: state.status, output: state.output ?? null, error: state.error?.code ?? null }).toEqual({
      status: run.view.status,
      output: run.view.output,
      error: run.view.error?.code ?? null,
    });
  });

  it.each(runs)('decides the command behind each commit of run %s into the same events', (runId, run) => {
    const definition = definitionFor(replay, run);
    let state: RunState = initialRunState(runId);
    for (const commit of run.commits) {
      const events = decideAgain(commit, state, {
        definition,
        now: Date.parse(commit.events[0].at),
        agents: (address: string) => replay.log.agents[address],
      });
      expect({ seq: commit.seq, msgId: commit.msgId, events: asLogged(events) }).toEqual({
        seq: commit.seq,
        msgId: commit.msgId,
        events: commit.events,
      });
      state = evolveAll(state, commit.events);
    }
  });
});

/**
 * The events the commit's command decides on `state`, followed, when the commit holds more, by
 * the results of instant steps that rode in it, each decided in turn (as execution does).
 */
function decideAgain(commit: RecordedCommit, state: RunState, context: DecisionContext): RunEvent[] {
  const events = decide(commandOf(state.runId, commit), state, context);
  let after = evolveAll(state, events);
  for (let result = instantResultAt(commit, events.length); result !== undefined;) {
    const more = decide(result, after, { ...context, now: Date.parse(commit.events[events.length].at) });
    if (more.length === 0) break;
    events.push(...more);
    after = evolveAll(after, more);
    result = instantResultAt(commit, events.length);
  }
  return events;
}

describe('a log whose instant results ride in the commit that started them', () => {
  it('decides the same: the recorded agent run with its commits made one', () => {
    const replay = replays.find((r) => r.name === 'agent');
    const run = replay?.log.runs[0];
    if (replay === undefined || run === undefined) throw new Error('replays/agent has no run');
    const fused: RecordedCommit = { ...run.commits[0], events: run.commits.flatMap((c) => c.events) };
    expect(fused.events.map((e) => e.type)).toEqual([
      'RunStarted',
      'StepStarted',
      'StepSucceeded',
      'StepStarted',
      'StepSucceeded',
      'RunSucceeded',
    ]);
    const events = decideAgain(fused, initialRunState(run.runId), {
      definition: definitionFor(replay, run),
      now: Date.parse(fused.events[0].at),
      agents: (address: string) => replay.log.agents[address],
    });
    expect(asLogged(events)).toEqual(fused.events);
  });
});

/** Logs written by driving the engine directly (`src/fixtures/`): kept, since they cover long loops. */
describe('engine-driven logs', () => {
  interface Fixture {
    description: string;
    runId: string;
    definition: WorkflowDefinition;
    log: { command: RunCommand; now: number; events: RunEvent[] }[];
  }
  const dir = join(__dirname, 'fixtures');
  const fixtures = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture] as const);

  it.each(fixtures)('%s is decided the same', (_file, fixture) => {
    let state = initialRunState(fixture.runId);
    fixture.log.forEach((entry, index) => {
      const events = decide(entry.command, state, { definition: fixture.definition, now: entry.now });
      expect({ index, events: asLogged(events) }).toEqual({ index, events: entry.events });
      state = evolveAll(state, entry.events);
    });
    expect(['succeeded', 'failed', 'cancelled']).toContain(state.status);
  });
});
