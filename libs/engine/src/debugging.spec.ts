import { foldCommits } from './evolve';
import { planFork, rewindRefusal } from './debugging';
import { spec } from './testing/decider-specification';
import { cancel, complete, fire, pauseRun, resumeRun, rewind, start, stepRun } from './testing/commands';
import { definitionOf, failure, ok, T0 } from './testing/run-script';

const chain = definitionOf(`
name: chain
timeout: 10m
inputs:
  - { name: topic, type: string, required: true }
steps:
  - id: research
    agent: research@
    input: "Research {{topic}}"
  - id: summarize
    agent: summarize@
    input: "Summarize {{ research.output }}"
  - id: publish
    agent: publish@
    input: "Publish {{ summarize.output }}"
`);
const inputs = { topic: 'crm' };

describe('step-by-step debugging', () => {
  it('a debug run pauses before its first step, with the resolved input', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }))
      .then([
        'RunStarted',
        { type: 'RunPaused', data: { stepId: 'research', visit: 1, input: 'Research crm' } },
      ]);
  });

  it('a step runs the paused step and pauses before the next', () => {
    const paused = spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }));
    const stepped = paused
      .and(stepRun('research'))
      .then([
        'RunStepped:research',
        { type: 'StepStarted', data: { stepId: 'research', input: 'Research crm' } },
      ]);
    stepped
      .and(complete('research', ok('findings')))
      .then([
        'StepSucceeded:research',
        { type: 'RunPaused', data: { stepId: 'summarize', input: 'Summarize findings' } },
      ]);
  });

  it('a step may replace the resolved input once', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }))
      .and(stepRun('research', { input: 'Research ERP instead' }))
      .then([
        'RunStepped:research',
        { type: 'StepStarted', data: { stepId: 'research', input: 'Research ERP instead' } },
      ]);
  });

  it('resume runs on to the end when no breakpoint is left', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }))
      .and(resumeRun('research'))
      .then(['RunResumed:research', 'StepStarted:research'])
      .and(complete('research', ok('findings')))
      .then(['StepSucceeded:research', 'StepStarted:summarize'])
      .and(complete('summarize', ok('short')))
      .and(complete('publish', ok('done')))
      .then(['StepSucceeded:publish', 'RunSucceeded']);
  });

  it('breakpoints pause before those steps only; resume goes on to the next', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { breakpoints: ['summarize'] }))
      .then(['RunStarted', 'StepStarted:research'])
      .and(complete('research', ok('findings')))
      .then(['StepSucceeded:research', 'RunPaused:summarize'])
      .and(resumeRun('summarize'))
      .then(['RunResumed:summarize', 'StepStarted:summarize']);
  });

  it('a running run asked to pause finishes the step in hand and pauses before the next, then before each', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs))
      .then(['RunStarted', 'StepStarted:research'])
      .and(pauseRun())
      .then([{ type: 'RunPauseRequested', data: { by: 'alice' } }])
      .and(complete('research', ok('findings')))
      .then([
        'StepSucceeded:research',
        { type: 'RunPaused', data: { stepId: 'summarize', input: 'Summarize findings' } },
      ])
      .and(stepRun('summarize'))
      .and(complete('summarize', ok('short')))
      .then(['StepSucceeded:summarize', 'RunPaused:publish']);
  });

  it('a pause asked of a paused run, a debug run, or an ended one decides nothing', () => {
    const paused = spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }));
    paused.and(pauseRun()).thenNothing();
    paused.and(resumeRun('research')).and(pauseRun()).then(['RunPauseRequested']);
    spec(chain).given().when(start(chain, inputs)).and(cancel()).and(pauseRun()).thenNothing();
  });

  it('a step or resume for another pause than the one open decides nothing (late, or repeated)', () => {
    const paused = spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }));
    paused.and(stepRun('summarize')).thenNothing();
    paused.and(stepRun('research', { visit: 2 })).thenNothing();
    paused.and(stepRun('research')).and(stepRun('research')).thenNothing();
  });

  it('a paused run can be cancelled', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }))
      .and(cancel())
      .then(['RunCancelled']);
  });

  it('time paused does not count against the run timeout', () => {
    const paused = spec(chain)
      .given()
      .when(start(chain, inputs, { debug: true }), T0);
    // Ten minutes (the run's whole timeout) later, still paused: the timer defers itself.
    paused.and(fire({ kind: 'run-timeout' }), T0 + 600_000).then(['RunTimeoutDeferred']);
    // Stepped after an hour: the run still has its ten minutes.
    const stepped = paused.and(stepRun('research'), T0 + 3_600_000);
    stepped.and(fire({ kind: 'run-timeout' }), T0 + 3_600_000 + 60_000).then(['RunTimeoutDeferred']);
    stepped.and(fire({ kind: 'run-timeout' }), T0 + 3_600_000 + 601_000).then(['RunTimedOut:research']);
  });
});

describe('rewind', () => {
  const failedAtSummarize = () =>
    spec(chain)
      .given()
      .when(start(chain, inputs), T0)
      .and(complete('research', ok('findings')))
      .and(complete('summarize', failure('AGENT_FAILED', false)))
      .thenFails('AGENT_FAILED', 'summarize');

  it('a failed run goes back to the failed step and continues there', () => {
    failedAtSummarize()
      .and(rewind('summarize'))
      .then([
        { type: 'RunRewound', data: { toStep: 'summarize', resetStepIds: ['summarize'] } },
        { type: 'StepStarted', data: { stepId: 'summarize', visit: 2, input: 'Summarize findings' } },
      ])
      .and(complete('summarize', ok('short'), { visit: 2 }))
      .and(complete('publish', ok('published')))
      .then(['StepSucceeded:publish', 'RunSucceeded']);
  });

  it('going back further resets every step downstream; earlier outputs stay readable', () => {
    const rewound = failedAtSummarize().and(rewind('research'));
    rewound.then(['RunRewound', { type: 'StepStarted', data: { stepId: 'research', visit: 2 } }]);
    expect(rewound.dataOf('RunRewound').resetStepIds.sort()).toEqual(['research', 'summarize']);
    expect(rewound.state.steps.summarize).toMatchObject({ pending: true, status: 'failed' });
    expect(rewound.state.steps.research.status).toBe('running');
    expect(rewound.state.status).toBe('running');
    expect(rewound.state.error).toBeUndefined();
  });

  it('a succeeded run rewinds too, and a rewound debug run pauses before the step', () => {
    spec(chain)
      .given()
      .when(start(chain, inputs, { breakpoints: ['publish'] }))
      .and(complete('research', ok('findings')))
      .and(complete('summarize', ok('short')))
      .and(resumeRun('publish'))
      .and(complete('publish', ok('published')))
      .then(['StepSucceeded:publish', 'RunSucceeded'])
      .and(rewind('publish'))
      .then(['RunRewound', { type: 'RunPaused', data: { stepId: 'publish', visit: 2 } }]);
  });

  it('refuses a run that has not ended, a step never reached, a step unknown', () => {
    const running = spec(chain).given().when(start(chain, inputs));
    running.and(rewind('research')).thenNothing();
    expect(rewindRefusal(running.state, chain, 'research')?.code).toBe('CONFLICT');
    const failed = failedAtSummarize();
    expect(rewindRefusal(failed.state, chain, 'publish')?.message).toMatch(/never reached/);
    expect(rewindRefusal(failed.state, chain, 'nope')?.message).toMatch(
      /no step "nope".*research, summarize, publish/,
    );
    failed.and(rewind('publish')).thenNothing();
  });

  it('the run gets its whole timeout again', () => {
    failedAtSummarize()
      .and(rewind('summarize'), T0 + 3_600_000)
      .and(fire({ kind: 'run-timeout' }), T0 + 3_600_000 + 60_000)
      .then(['RunTimeoutDeferred']);
  });
});

describe('fork', () => {
  const finished = () =>
    spec(chain)
      .given()
      .when(start(chain, inputs))
      .and(complete('research', ok('findings')))
      .and(complete('summarize', ok('short')))
      .and(complete('publish', ok('published')));

  it('carries the results before the step and starts there', () => {
    const source = finished().state;
    const plan = planFork(source, chain, 'summarize');
    if (!plan.ok) throw new Error(plan.refusal.message);
    expect(Object.keys(plan.carried)).toEqual(['research']);
    const forkedFrom = { runId: 'run-1', seq: 9, step: 'summarize' };
    spec(chain, { runId: 'run-2' })
      .given()
      .when(start(chain, inputs, { runId: 'run-2', forkedFrom, carried: plan.carried }))
      .then([
        { type: 'RunStarted', data: { forkedFrom } },
        { type: 'StepStarted', data: { stepId: 'summarize', input: 'Summarize findings' } },
      ]);
  });

  it('onto another version: steps it does not have are not carried; its new step must be top-level', () => {
    const v2 = definitionOf(`
name: chain
inputs:
  - { name: topic, type: string, required: true }
steps:
  - id: research
    agent: research@
    input: "Research {{topic}}"
  - id: review
    agent: review@
    input: "Review {{ research.output }}"
  - id: summarize
    agent: summarize@
    input: "Summarize {{ review.output }}"
`);
    const plan = planFork(finished().state, v2, 'review');
    expect(plan.ok && Object.keys(plan.carried)).toEqual(['research']);
    const missing = planFork(finished().state, v2, 'summarize');
    expect(!missing.ok && missing.refusal.message).toMatch(/needs "review", which had not finished/);
    const unknown = planFork(finished().state, v2, 'publish');
    expect(!unknown.ok && unknown.refusal.code).toBe('UNPROCESSABLE');
  });

  it('a fork folds like any run', () => {
    const state = foldCommits('run-1', [{ runId: 'run-1', prev: 0, events: [...finished().history] }]);
    expect(state.status).toBe('succeeded');
  });
});

describe('debugging with parallel and foreach steps', () => {
  const grouped = definitionOf(`
name: grouped
steps:
  - id: fan
    parallel:
      - { id: left, agent: echo@, input: "L" }
      - { id: right, agent: echo@, input: "R" }
  - id: each
    foreach: "{{ fan.output }}"
    as: item
    agent: echo@
    input: "{{ item }}"
  - id: join
    agent: echo@
    input: "{{ each.output }}"
`);

  it('pauses before a group step, never before its branches or items', () => {
    spec(grouped)
      .given()
      .when(start(grouped, {}, { debug: true }))
      .then(['RunStarted', { type: 'RunPaused', data: { stepId: 'fan', visit: 1 } }])
      .and(stepRun('fan'))
      .then(['RunStepped:fan', 'StepStarted:fan', 'StepStarted:left', 'StepStarted:right'])
      .and(complete('left', ok('L')))
      .and(complete('right', ok('R')))
      .then(['StepSucceeded:right', 'StepSucceeded:fan', 'RunPaused:each']);
  });

  it('rewinding to a parallel step resets its branches; to a later step keeps the group', () => {
    const ended = spec(grouped)
      .given()
      .when(start(grouped))
      .and(complete('left', ok('L')))
      .and(complete('right', ok('R')))
      .and(complete('each[0]', ok('a')))
      .and(complete('each[1]', ok('b')))
      .and(complete('join', failure('AGENT_FAILED', false)))
      .thenFails('AGENT_FAILED', 'join');
    const toFan = ended.and(rewind('fan'));
    expect(toFan.dataOf('RunRewound').resetStepIds.sort()).toEqual(
      ['each', 'each[0]', 'each[1]', 'fan', 'join', 'left', 'right'].sort(),
    );
    toFan.then(['RunRewound', 'StepStarted:fan', 'StepStarted:left', 'StepStarted:right']);
    expect(ended.and(rewind('join')).dataOf('RunRewound').resetStepIds).toEqual(['join']);
    expect(rewindRefusal(ended.state, grouped, 'left')?.message).toMatch(/branch of "fan".*use "fan"/);
  });
});

describe('debugging with a switch', () => {
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

  it('a rewind to the step before a switch lets the switch choose again (the other branch this time)', () => {
    const ended = spec(triage)
      .given()
      .when(start(triage))
      .and(complete('classify', ok('calm')))
      .then([
        'StepSucceeded:classify',
        'StepStarted:route',
        'StepSucceeded:route',
        'BranchTaken:route->summarize',
        'StepSkipped:escalate',
        'StepStarted:summarize',
      ])
      .and(complete('summarize', ok('S')))
      .and(complete('notify', failure('AGENT_FAILED', false)))
      .thenFails('AGENT_FAILED', 'notify');
    ended
      .and(rewind('classify'))
      .then(['RunRewound', 'StepStarted:classify'])
      .and(complete('classify', ok('urgent'), { visit: 2 }))
      .then([
        'StepSucceeded:classify',
        'StepStarted:route',
        'StepSucceeded:route',
        'BranchTaken:route->escalate',
        'StepSkipped:summarize',
        'StepStarted:escalate',
      ])
      // summarize, not taken this time, still reads as its last output (as after a goto loop).
      .and(complete('escalate', ok('E'), { visit: 2 }))
      .then([
        'StepSucceeded:escalate',
        { type: 'StepStarted', data: { stepId: 'notify', visit: 2, input: 'ES' } },
      ]);
  });

  it('a debug run pauses before the switch, and before the branch it takes', () => {
    spec(triage)
      .given()
      .when(start(triage, {}, { debug: true }))
      .and(stepRun('classify'))
      .and(complete('classify', ok('urgent')))
      .then(['StepSucceeded:classify', 'RunPaused:route'])
      .and(stepRun('route'))
      .then([
        'RunStepped:route',
        'StepStarted:route',
        'StepSucceeded:route',
        'BranchTaken:route->escalate',
        'StepSkipped:summarize',
        'RunPaused:escalate',
      ]);
  });
});
