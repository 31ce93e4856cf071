import type { Actor, ResolveCheckpoint } from '@chainmail/contracts';
import { ResolveCheckpointUseCase } from './resolve-checkpoint.usecase';
import type { RunViews } from './run-views';

const actor = { userId: 'alice' } as Actor;

/** Views whose checkpoint row changes as the projector would write it: opened on catch-up, closed by the command. */
class World {
  state: { open: boolean; visit: number } | null;
  readonly sent: ResolveCheckpoint[] = [];
  readonly waits: string[] = [];

  constructor(
    state: World['state'],
    private readonly openedOnCatchUp = false,
  ) {
    this.state = state;
  }

  useCase(): ResolveCheckpointUseCase {
    const views = {
      reads: {
        checkpoint: async (runId: string, stepId: string) =>
          this.state && { runId, stepId, owner: 'user:alice', ...this.state },
      },
      catchUp: async () => {
        this.waits.push('catchUp');
        if (this.openedOnCatchUp) this.state = { open: true, visit: 2 };
        return true;
      },
      until: async (_runId: string, ready: () => Promise<boolean>) => {
        this.waits.push('until');
        return ready();
      },
    } as unknown as RunViews;
    return new ResolveCheckpointUseCase({ visibleRun: async () => ({}) as never }, views, {
      send: async (_subject: string, command: unknown) => {
        this.sent.push(command as ResolveCheckpoint);
        if (this.state) this.state = { ...this.state, open: false };
      },
    } as never);
  }
}

describe('ResolveCheckpointUseCase', () => {
  it('sends the decision for the open visit and answers once the views show it decided', async () => {
    const world = new World({ open: true, visit: 3 });
    const answer = await world.useCase().resolve(actor, 'r1', 'review', { action: 'edit', input: 'better' });
    expect(answer).toEqual({ runId: 'r1', stepId: 'review', visit: 3, action: 'edit', accepted: true });
    expect(world.sent).toEqual([
      {
        type: 'ResolveCheckpoint',
        commandId: 'checkpoint:r1:review:3',
        runId: 'r1',
        stepId: 'review',
        visit: 3,
        action: 'edit',
        input: 'better',
        by: 'alice',
        via: 'api',
      },
    ]);
    expect(world.waits).toEqual(['until']);
  });

  it('waits for the projector when the views do not show the checkpoint open yet', async () => {
    const world = new World(null, true);
    await expect(
      world.useCase().resolve(actor, 'r1', 'review', { action: 'approve' }),
    ).resolves.toMatchObject({
      visit: 2,
    });
    expect(world.waits).toEqual(['catchUp', 'until']);
  });

  it('answers CONFLICT when the step waits for no decision, sending nothing', async () => {
    const world = new World({ open: false, visit: 1 });
    await expect(world.useCase().resolve(actor, 'r1', 'review', { action: 'approve' })).rejects.toMatchObject(
      {
        code: 'CONFLICT',
      },
    );
    expect(world.sent).toEqual([]);
  });
});
