import { DefinitionCatalog } from '@chainmail/catalog';
import type { StartRun } from '@chainmail/contracts';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { StartRunUseCase, type LocalDecider } from './start-run.usecase';

const yaml = 'name: flow\nsteps:\n  - { id: a, agent: echo@, input: "{{user_input}}" }\n';

function catalogWithFlow(): DefinitionCatalog {
  const parsed = parseWorkflow(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  const catalog = new DefinitionCatalog();
  catalog.apply(1, {
    type: 'WorkflowPublished',
    v: 1,
    at: '2026-01-01T00:00:00Z',
    data: {
      name: 'flow',
      version: 1,
      source: yaml,
      definition: parsed.definition,
      publishedBy: 't',
      owner: 'default',
    },
  });
  return catalog;
}

describe('StartRunUseCase: where a start is decided', () => {
  const request = {
    workflow: 'flow',
    inputs: { user_input: 'hi' },
    trigger: { kind: 'api' as const },
    actor: 'ann',
  };
  let sent: StartRun[];
  let decidedHere: StartRun[];
  const bus = {
    send: async (_subject: string, command: StartRun) => (sent.push(command), { duplicate: false }),
  };
  const here = (answer: { duplicate: boolean } | undefined): LocalDecider => ({
    decide: async (command) => (decidedHere.push(command), answer),
  });
  /** The use case with this process deciding as `answer` says (undefined: it cannot). */
  const startRun = (answer: { duplicate: boolean } | undefined): StartRunUseCase =>
    new StartRunUseCase(catalogWithFlow(), bus, 'commands.runs.start', here(answer));

  beforeEach(() => {
    sent = [];
    decidedHere = [];
  });

  it('decides a run whose id it made in this process, and sends nothing through the stream', async () => {
    const started = await startRun({ duplicate: false }).execute(request);
    expect(decidedHere.map((c) => c.runId)).toEqual([started.runId]);
    expect(sent).toEqual([]);
    expect(started).toMatchObject({ version: 1, duplicate: false, fresh: true });
  });

  it('sends the start through the stream when it cannot be decided here', async () => {
    const started = await startRun(undefined).execute(request);
    expect(decidedHere).toHaveLength(1);
    expect(sent.map((c) => c.runId)).toEqual([started.runId]);
  });

  it('sends a caller-chosen run id through the stream, whose window knows a repeat still queued', async () => {
    const started = await startRun({ duplicate: false }).execute({
      ...request,
      runId: 'chosen-id',
    });
    expect(decidedHere).toEqual([]);
    expect(sent.map((c) => c.runId)).toEqual(['chosen-id']);
    expect(started.fresh).toBe(false);
  });

  it('says a start decided here was a duplicate when the run had started already', async () => {
    const started = await startRun({ duplicate: true }).execute(request);
    expect(started.duplicate).toBe(true);
  });
});
