import { evolveAll, initialRunState } from '@chainmail/engine';
import { spec } from './testing/decider-specification';
import { start } from './testing/commands';
import { definitionOf } from './testing/run-script';

const precedence = definitionOf(`
name: vars-precedence
vars:
  tone: formal
steps:
  - id: write
    agent: echo@
    input: "{{ vars.tone }} / {{ vars.region }}"
`);

describe("the owner's variables (RunStarted.vars)", () => {
  it("the owner's variables are recorded at the start and read under the definition's own", () => {
    spec(precedence)
      .given()
      .when(start(precedence, {}, { vars: { tone: 'casual', region: 'eu-west' } }))
      .then([
        { type: 'RunStarted', data: { vars: { tone: 'casual', region: 'eu-west' } } },
        // `tone` is the definition's (it wins); `region` only the owner has.
        { type: 'StepStarted', data: { input: 'formal / eu-west' } },
      ]);
  });

  it('a replay renders the same input from the log alone, whatever the variables are now', () => {
    const { events } = spec(precedence)
      .given()
      .when(start(precedence, {}, { vars: { region: 'us-east' } }));
    const replayed = evolveAll(initialRunState('run-1'), events);
    expect(replayed.vars).toEqual({ region: 'us-east' });
    expect(replayed.steps['write']?.input).toBe('formal / us-east');
  });

  it('without recorded variables a run reads the definition alone (logs from before variables)', () => {
    const started = spec(precedence)
      .given()
      .when(start(precedence))
      .then(['RunStarted', { type: 'StepStarted', data: { input: 'formal / ' } }]);
    expect(started.state.vars).toBeUndefined();
  });
});
