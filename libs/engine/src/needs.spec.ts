import { spec } from './testing/decider-specification';
import { complete, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, failure, ok } from './testing/run-script';

/** The first step `a` is running. */
const atFirstStep = (yaml: string) => {
  const definition = definitionOf(yaml);
  const h = new RunHistory(definition);
  return spec(definition).given([h.runStarted(), h.stepStarted('a')]);
};
const aFails = complete('a', failure('AGENT_FAILED', false));

describe('needs: the defaulted previous step orders, written needs carry data', () => {
  it('a step runs after its defaulted need, whatever became of it', () => {
    atFirstStep(`
name: implicit
steps:
  - { id: a, agent: fail@, on_error: skip }
  - { id: b, agent: echo@, input: "after a" }
`)
      .when(aFails)
      .then(['StepFailed:a', 'StepSkipped:a', 'StepStarted:b']);
  });

  it('a written dependant of a skipped step is skipped, and its own dependants in turn; a defaulted one runs', () => {
    atFirstStep(`
name: explicit
steps:
  - { id: a, agent: fail@, on_error: skip }
  - { id: b, agent: echo@, needs: a, input: "{{ a.output }}" }
  - { id: c, agent: echo@, needs: [b] }
  - { id: d, agent: echo@, input: "last" }
`)
      .when(aFails)
      .then([
        'StepFailed:a',
        'StepSkipped:a',
        {
          type: 'StepSkipped',
          data: { stepId: 'b', reason: 'needs "a", which was skipped', cause: 'needs' },
        },
        'StepSkipped:c',
        'StepStarted:d',
      ]);
  });

  it('a written dependant of a step that failed with on_error: continue runs, and reads the failure', () => {
    atFirstStep(`
name: tolerant
steps:
  - { id: a, agent: fail@, on_error: continue }
  - { id: b, agent: echo@, needs: a, input: "a worked: {{ a.success }}" }
`)
      .when(aFails)
      .then(['StepFailed:a', { type: 'StepStarted', data: { stepId: 'b', input: 'a worked: false' } }]);
  });

  it('a written dependant of a step whose condition was false is skipped', () => {
    const conditional = definitionOf(`
name: conditional
inputs: [flag]
steps:
  - { id: a, agent: echo@, condition: "{{ flag == 'yes' }}" }
  - { id: b, agent: echo@, needs: a }
`);
    spec(conditional)
      .given()
      .when(start(conditional, { flag: 'no' }))
      .then(['RunStarted', 'StepSkipped:a', 'StepSkipped:b', 'RunSucceeded']);
  });

  it('every step whose needs are met starts in the same commit; a join waits for all its needs', () => {
    const diamond = definitionOf(`
name: diamond
steps:
  - { id: root, agent: echo@ }
  - { id: left, agent: echo@, needs: root }
  - { id: right, agent: echo@, needs: root }
  - { id: join, agent: echo@, needs: [left, right], input: "{{ left.output }}+{{ right.output }}" }
`);
    const h = new RunHistory(diamond);
    spec(diamond)
      .given([h.runStarted(), h.stepStarted('root')])
      .when(complete('root', ok('r')))
      .then(['StepSucceeded:root', 'StepStarted:left', 'StepStarted:right'])
      .and(complete('right', ok('R')))
      .then(['StepSucceeded:right'])
      .and(complete('left', ok('L')))
      .then(['StepSucceeded:left', { type: 'StepStarted', data: { stepId: 'join', input: 'L+R' } }]);
  });

  it('a definition published before needsDeclared existed is read by its shape: a need on the previous step orders', () => {
    const legacy = definitionOf(`
name: legacy
steps:
  - { id: a, agent: fail@, on_error: skip }
  - { id: b, agent: echo@, needs: a }
`);
    for (const step of legacy.steps) delete step.needsDeclared;
    const h = new RunHistory(legacy);
    spec(legacy)
      .given([h.runStarted(), h.stepStarted('a')])
      .when(aFails)
      .then(['StepFailed:a', 'StepSkipped:a', 'StepStarted:b']);
  });
});
