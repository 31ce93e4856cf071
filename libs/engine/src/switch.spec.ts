import { spec } from './testing/decider-specification';
import { complete, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, failure, ok } from './testing/run-script';

const triage = definitionOf(`
name: triage
steps:
  - id: classify
    agent: echo@
  - id: route
    switch:
      - when: "{{ classify.output == 'urgent' }}"
        goto: escalate
      - default: true
        goto: summarize
  - id: escalate
    agent: echo@
    needs: route
    input: "escalate"
  - id: summarize
    agent: echo@
    needs: route
    input: "summarize"
  - id: notify
    agent: echo@
    needs: [escalate, summarize]
    input: "{{ escalate.output }}{{ summarize.output }}"
`);

/** The classifier is running. */
const classifying = () => {
  const h = new RunHistory(triage);
  return spec(triage).given([h.runStarted(), h.stepStarted('classify')]);
};

describe('switch', () => {
  it('the first true case is taken: the switch succeeds with its target, and the other branch is not taken', () => {
    classifying()
      .when(complete('classify', ok('urgent')))
      .then([
        'StepSucceeded:classify',
        'StepStarted:route',
        { type: 'StepSucceeded', data: { stepId: 'route', output: 'escalate' } },
        'BranchTaken:route->escalate',
        {
          type: 'StepSkipped',
          data: {
            stepId: 'summarize',
            reason: 'branch not taken: "route" went to "escalate"',
            cause: 'branch',
          },
        },
        'StepStarted:escalate',
      ]);
  });

  it('with no true case the default is taken, and a join after both branches still runs', () => {
    classifying()
      .when(complete('classify', ok('routine')))
      .then([
        'StepSucceeded:classify',
        'StepStarted:route',
        'StepSucceeded:route',
        'BranchTaken:route->summarize',
        'StepSkipped:escalate',
        'StepStarted:summarize',
      ])
      .and(complete('summarize', ok('S')))
      .then(['StepSucceeded:summarize', { type: 'StepStarted', data: { stepId: 'notify', input: 'S' } }]);
  });

  it('no true case and no default fails the switch permanently (SWITCH_NO_MATCH)', () => {
    const noDefault = definitionOf(`
name: no-default
steps:
  - id: route
    switch:
      - when: "{{ 1 == 2 }}"
        goto: b
  - id: b
    agent: echo@
`);
    spec(noDefault)
      .given()
      .when(start(noDefault))
      .then(['RunStarted', 'StepStarted:route', 'StepFailed:route', 'RunFailed'])
      .thenFails('SWITCH_NO_MATCH', 'route');
  });

  it('a forward target runs even when its need was skipped as a branch not taken', () => {
    const forward = definitionOf(`
name: forward
steps:
  - id: route
    switch:
      - default: true
        goto: last
  - id: middle
    agent: echo@
  - id: last
    agent: echo@
    needs: middle
    input: "reached"
`);
    spec(forward)
      .given()
      .when(start(forward))
      .then([
        'RunStarted',
        'StepStarted:route',
        'StepSucceeded:route',
        'BranchTaken:route->last',
        'StepSkipped:middle',
        'StepStarted:last',
      ]);
  });
});

describe('goto loops', () => {
  const loop = definitionOf(`
name: loop
steps:
  - id: draft
    agent: echo@
    max_visits: 3
  - id: check
    switch:
      - when: "{{ draft.output != 'good' }}"
        goto: draft
      - default: true
        goto: publish
  - id: publish
    agent: echo@
    input: "{{ draft.output }}"
`);
  const drafting = () => {
    const h = new RunHistory(loop);
    return spec(loop).given([h.runStarted(), h.stepStarted('draft')]);
  };
  const draftIs = (output: string, visit: number) => complete('draft', ok(output), { visit });

  it('a goto back begins a new visit of the target and its downstream steps, which read the latest outputs', () => {
    drafting()
      .when(draftIs('bad', 1))
      .then([
        'StepSucceeded:draft',
        'StepStarted:check',
        'StepSucceeded:check',
        'BranchTaken:check->draft',
        { type: 'StepsReset', data: { stepIds: ['draft', 'check'] } },
        { type: 'StepStarted', data: { stepId: 'draft', visit: 2, attempt: 1 } },
      ])
      .and(draftIs('good', 2))
      .then([
        'StepSucceeded:draft',
        { type: 'StepStarted', data: { stepId: 'check', visit: 2 } },
        { type: 'StepSucceeded', data: { stepId: 'check', visit: 2, output: 'publish' } },
        'BranchTaken:check->publish',
        { type: 'StepStarted', data: { stepId: 'publish', input: 'good' } },
      ])
      .and(complete('publish', ok('done')))
      .then(['StepSucceeded:publish', 'RunSucceeded']);
  });

  it('a step that would pass max_visits fails the run with LOOP_LIMIT', () => {
    const third = drafting().when(draftIs('bad', 1)).and(draftIs('bad', 2)).and(draftIs('bad', 3));
    third.thenFails('LOOP_LIMIT', 'draft');
    expect(third.dataOf('RunFailed').error.message).toBe(
      'step "draft" would begin visit 4, but its max_visits is 3: a goto loop did not end',
    );
  });

  it('a late result of a visit that a loop has left behind decides nothing', () => {
    drafting()
      .when(draftIs('bad', 1))
      .and(complete('draft', { ok: true, output: 'late', durationMs: 1 }, { visit: 1 }))
      .thenNothing();
  });
});

describe('on_error: goto', () => {
  const fallback = definitionOf(`
name: fallback
steps:
  - id: primary
    agent: fail@
    on_error:
      goto: backup
  - id: use-primary
    agent: echo@
    needs: primary
  - id: backup
    agent: echo@
    needs: primary
    condition: "{{ !primary.success }}"
    input: "backup"
`);

  it('a failure goes forward to the fallback, which runs although its need failed; the rest is skipped', () => {
    const h = new RunHistory(fallback);
    spec(fallback)
      .given([h.runStarted(), h.stepStarted('primary')])
      .when(complete('primary', failure('AGENT_FAILED', false)))
      .then([
        'StepFailed:primary',
        'BranchTaken:primary->backup',
        'StepSkipped:use-primary',
        'StepStarted:backup',
      ])
      .and(complete('backup', ok('B')))
      .then(['StepSucceeded:backup', { type: 'RunSucceeded', data: { output: 'B' } }]);
  });

  it('a target that is already running is left alone', () => {
    const runningTarget = definitionOf(`
name: running-target
steps:
  - id: primary
    agent: fail@
    on_error:
      goto: other
  - id: after
    agent: echo@
    needs: primary
  - id: other
    agent: echo@
    needs: []
`);
    const h = new RunHistory(runningTarget);
    const decided = spec(runningTarget)
      .given([h.runStarted(), h.stepStarted('primary'), h.stepStarted('other')])
      .when(complete('primary', failure('AGENT_FAILED', false)))
      .then(['StepFailed:primary', 'BranchTaken:primary->other', 'StepSkipped:after']);
    expect(decided.state.steps['other']).toMatchObject({ status: 'running', visit: 1 });
  });

  it('a failure can go back to redo a whole section', () => {
    const redo = definitionOf(`
name: redo
steps:
  - id: fetch
    agent: echo@
  - id: parse
    agent: fail@
    on_error:
      goto: fetch
`);
    const h = new RunHistory(redo);
    spec(redo)
      .given([h.runStarted(), h.stepStarted('fetch'), h.stepSucceeded('fetch', 'x'), h.stepStarted('parse')])
      .when(complete('parse', failure('AGENT_FAILED', false)))
      .then([
        'StepFailed:parse',
        'BranchTaken:parse->fetch',
        'StepsReset:parse',
        { type: 'StepStarted', data: { stepId: 'fetch', visit: 2 } },
      ]);
  });
});
