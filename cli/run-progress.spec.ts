import { Palette } from './render';
import { RunProgress } from './run-progress';

describe('following a run that reaches a checkpoint', () => {
  it('shows the step waiting, its message, who decides and how to answer', () => {
    const lines: string[] = [];
    const progress = new RunProgress((text) => lines.push(text), new Palette(false), false);
    progress.onEvent({
      type: 'CheckpointOpened',
      runId: 'run-1',
      at: '2030-01-01T00:00:00.000Z',
      data: {
        stepId: 'human-review',
        visit: 1,
        message: 'Review draft before sending to client',
        approvers: ['jane@acme.example'],
      },
    });
    expect(lines.join('')).toContain('⏸ human-review');
    expect(lines.join('')).toContain('waiting');
    expect(lines.join('')).toContain(
      '"Review draft before sending to client" · approvers: jane@acme.example',
    );
    expect(lines.join('')).toContain('decide: chainmail approve|reject|edit run-1 human-review');
    expect(progress.outcome).toBeUndefined();
  });
});
