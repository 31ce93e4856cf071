import { EVENTS_HEADER, eventTypesOf, mayHoldEvents } from './commit-events';

describe('the event types header of a run commit', () => {
  it('lists each type once, in order of first appearance', () => {
    expect(
      eventTypesOf([{ type: 'StepSucceeded' }, { type: 'StepStarted' }, { type: 'StepSucceeded' }]),
    ).toBe('StepSucceeded,StepStarted');
  });

  it('tells a consumer whether the commit may hold a type it handles', () => {
    const wanted = new Set(['RunSucceeded', 'RunFailed']);
    expect(mayHoldEvents({ headers: { [EVENTS_HEADER]: 'StepSucceeded,StepStarted' } }, wanted)).toBe(false);
    expect(mayHoldEvents({ headers: { [EVENTS_HEADER]: 'StepSucceeded,RunSucceeded' } }, wanted)).toBe(true);
  });

  it('takes a commit without the header (written before it existed) to hold anything', () => {
    expect(mayHoldEvents({ headers: {} }, new Set(['RunSucceeded']))).toBe(true);
  });
});
