import { describe, expect, it } from 'vitest';
import { guideParagraphs } from './guide';

describe("a template's guide", () => {
  it('reads as paragraphs of text and code, lines of a paragraph joined', () => {
    const guide =
      'Set `company_name` once (`chainmail variables set company_name Acme`), then run it with the\n' +
      "issue's `topics`.\n\nNotes <b>stay</b> text.\n";
    expect(guideParagraphs(guide)).toEqual([
      [
        { code: false, text: 'Set ' },
        { code: true, text: 'company_name' },
        { code: false, text: ' once (' },
        { code: true, text: 'chainmail variables set company_name Acme' },
        { code: false, text: "), then run it with the issue's " },
        { code: true, text: 'topics' },
        { code: false, text: '.' },
      ],
      [{ code: false, text: 'Notes <b>stay</b> text.' }],
    ]);
  });
});
