import { definitionOf, failure, ok } from './run-script';
import { spec } from './decider-specification';
import { complete } from './commands';
import { RunHistory } from './run-events';

const one = definitionOf(`
name: one
steps:
  - { id: a, agent: echo@, input: "x" }
`);
const h = new RunHistory(one);
const running = spec(one).given([h.runStarted(), h.stepStarted('a')]);

describe('the decider specification', () => {
  it('passes when the decision emits what is expected, each event as far as it is described', () => {
    running
      .when(complete('a', ok('done')))
      .then(['StepSucceeded:a', { type: 'RunSucceeded', data: { output: 'done' } }]);
  });

  it('fails on another event, another value, a missing or an extra event', () => {
    const decided = running.when(complete('a', ok('done')));
    expect(() => decided.then(['StepFailed:a', 'RunSucceeded'])).toThrow(/StepSucceeded:a/);
    expect(() => decided.then(['StepSucceeded:a', { type: 'RunSucceeded', data: { output: 'no' } }])).toThrow(
      /emitted \[StepSucceeded:a, RunSucceeded\]/,
    );
    expect(() => decided.then(['StepSucceeded:a'])).toThrow();
    expect(() => decided.then(['StepSucceeded:a', 'RunSucceeded', 'RunSucceeded'])).toThrow();
  });

  it('thenFails passes only for a failure with that code (of that step)', () => {
    const failed = running.when(complete('a', failure('AGENT_BAD_INPUT', false)));
    failed.thenFails('AGENT_BAD_INPUT', 'a');
    expect(() => failed.thenFails('AGENT_FAILED')).toThrow(/expected a failure AGENT_FAILED/);
    expect(() => failed.thenFails('AGENT_BAD_INPUT', 'b')).toThrow();
    expect(() => running.when(complete('a', ok('done'))).thenFails('AGENT_BAD_INPUT')).toThrow();
  });

  it('thenNothing passes only when no event was emitted', () => {
    running.when(complete('a', ok('late'), { attempt: 2 })).thenNothing();
    expect(() => running.when(complete('a', ok('done'))).thenNothing()).toThrow(/expected no events/);
  });
});
