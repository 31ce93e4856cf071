import { evolveAll } from './evolve';
import { initialRunState } from './run-state';
import { definitionOf, RunScript } from './testing/run-script';

const yaml = `
name: vars-precedence
vars:
  tone: formal
steps:
  - id: write
    agent: echo@
    input: "{{ vars.tone }} / {{ vars.region }}"
`;

describe("the owner's variables (RunStarted.vars)", () => {
  it("are recorded at the start and read under the definition's own vars", () => {
    const run = new RunScript(definitionOf(yaml));
    const events = run.start({}, { vars: { tone: 'casual', region: 'eu-west' } });
    const started = events.find((e) => e.type === 'RunStarted');
    expect(started?.data).toMatchObject({ vars: { tone: 'casual', region: 'eu-west' } });
    const step = events.find((e) => e.type === 'StepStarted');
    // `tone` is the definition's (it wins); `region` only the owner has.
    expect(step?.data).toMatchObject({ input: 'formal / eu-west' });
  });

  it('replay renders the same input from the log alone, whatever the variables are now', () => {
    const run = new RunScript(definitionOf(yaml));
    const events = run.start({}, { vars: { region: 'us-east' } });
    const replayed = evolveAll(initialRunState('run-1'), events);
    expect(replayed.vars).toEqual({ region: 'us-east' });
    expect(replayed.steps['write']?.input).toBe('formal / us-east');
  });

  it('without recorded variables a run reads the definition alone (logs from before variables)', () => {
    const run = new RunScript(definitionOf(yaml));
    const step = run.start().find((e) => e.type === 'StepStarted');
    expect(step?.data).toMatchObject({ input: 'formal / ' });
    expect(run.state.vars).toBeUndefined();
  });
});
