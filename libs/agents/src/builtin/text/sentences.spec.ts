import { splitSentences } from './sentences';

describe('splitSentences', () => {
  it('splits at full stops, question and exclamation marks', () => {
    expect(splitSentences('Prices rose. Did sales fall? No! They grew.')).toEqual([
      'Prices rose.',
      'Did sales fall?',
      'No!',
      'They grew.',
    ]);
  });

  it('does not split after abbreviations, initials, decimals or before a lower-case word', () => {
    expect(
      splitSentences(
        'Vendors, e.g. Acme Inc. and Dr. Who Ltd., grew 3.5 percent. J. Smith agrees. Or so vs. them.',
      ),
    ).toEqual([
      'Vendors, e.g. Acme Inc. and Dr. Who Ltd., grew 3.5 percent.',
      'J. Smith agrees.',
      'Or so vs. them.',
    ]);
    expect(splitSentences('It costs approx. five dollars. see the docs.')).toEqual([
      'It costs approx. five dollars. see the docs.',
    ]);
  });

  it('keeps closing quotes and brackets with their sentence, and joins lines', () => {
    expect(splitSentences('He said "done." Then (briefly.) It\nended')).toEqual([
      'He said "done."',
      'Then (briefly.)',
      'It ended',
    ]);
  });

  it('leaves addresses and domains in one piece', () => {
    expect(splitSentences('Mail research@mail-to-ai.com today. Thanks.')).toEqual([
      'Mail research@mail-to-ai.com today.',
      'Thanks.',
    ]);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('  \n ')).toEqual([]);
  });
});
