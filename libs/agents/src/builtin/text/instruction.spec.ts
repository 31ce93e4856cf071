import { splitInstruction } from './instruction';

const VERBS = new Set(['summarize', 'review', 'create']);

describe('splitInstruction', () => {
  it('splits the instruction a workflow template puts before the material', () => {
    expect(splitInstruction('Summarize this research: Offline note: x. More.', VERBS)).toEqual({
      instruction: 'Summarize this research',
      body: 'Offline note: x. More.',
    });
    expect(
      splitInstruction('Create a competitive analysis report based on:\nLine one.\nLine two.\n', VERBS),
    ).toEqual({
      instruction: 'Create a competitive analysis report based on',
      body: 'Line one.\nLine two.',
    });
    expect(splitInstruction('Please review and polish: # Title', new Set(['review']))).toEqual({
      instruction: 'Please review and polish',
      body: '# Title',
    });
  });

  it('leaves text whose first colon is not an instruction', () => {
    for (const text of [
      'Note: the market grew.',
      'See https://example.com: it grew.',
      'At 10:30 we met.',
      'No colon here.',
    ]) {
      expect(splitInstruction(text, VERBS)).toEqual({ body: text });
    }
    const long =
      'Summarize the many long and winding things that happened in the market over the last several years: x';
    expect(splitInstruction(long, VERBS)).toEqual({ body: long });
  });
});
