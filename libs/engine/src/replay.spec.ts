import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '@chainmail/contracts';
import type { WorkflowDefinition } from '@chainmail/workflow-dsl';
import type { RunCommand } from './commands';
import { decide } from './decide';
import { evolveAll } from './evolve';
import { initialRunState } from './run-state';

/**
 * Replay tests, as Temporal does for workflow code: recorded logs (the command each decision
 * answered, its time, and the events it produced) are folded and decided again with today's
 * engine. A change that would decide differently for a run already in a log fails here; if the
 * change is meant, it needs a new event version or a migration, not a new fixture.
 */

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

it('has recorded logs to replay', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(3);
});

describe.each(fixtures)('replaying %s', (_file, fixture) => {
  it(`decides every recorded command the same: ${fixture.description}`, () => {
    let state = initialRunState(fixture.runId);
    fixture.log.forEach((entry, index) => {
      const events = decide(entry.command, state, { definition: fixture.definition, now: entry.now });
      // JSON drops undefined fields; compare what a log would hold.
      expect({ index, events: JSON.parse(JSON.stringify(events)) as unknown }).toEqual({
        index,
        events: entry.events,
      });
      state = evolveAll(state, entry.events);
    });
    expect(['succeeded', 'failed', 'cancelled']).toContain(state.status);
  });
});
