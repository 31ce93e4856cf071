import { inlineText, readBlocks } from './markdown';

describe('readBlocks', () => {
  it('reads headings, paragraphs, list items, quotes, code, tables and rules', () => {
    const blocks = readBlocks(
      [
        '# Title #',
        'A paragraph',
        'on two lines.',
        '',
        '- first item',
        '  continued',
        '2. second item',
        '- [x] done task',
        '> a quote',
        '> more',
        '',
        '```ts',
        'const x = 1;',
        '',
        '```',
        '| a | b |',
        '---',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { kind: 'heading', text: 'Title', level: 1 },
      { kind: 'paragraph', text: 'A paragraph on two lines.', level: 0 },
      { kind: 'item', text: 'first item continued', level: 0 },
      { kind: 'item', text: 'second item', level: 0 },
      { kind: 'item', text: 'done task', level: 0 },
      { kind: 'quote', text: 'a quote more', level: 0 },
      { kind: 'code', text: 'const x = 1;\n', level: 0 },
      { kind: 'table', text: '| a | b |', level: 0 },
      { kind: 'rule', text: '---', level: 0 },
    ]);
  });

  it('reads an unclosed fence as code to the end', () => {
    expect(readBlocks('Text.\n~~~\ncode\nmore')).toEqual([
      { kind: 'paragraph', text: 'Text.', level: 0 },
      { kind: 'code', text: 'code\nmore', level: 0 },
    ]);
  });
});

describe('inlineText', () => {
  it('keeps the words of emphasis, code, links and images, and drops tags', () => {
    expect(
      inlineText('**Bold** and _em_ and `code` and [a link](https://x.example) and ![alt](i.png) <b>tag</b>'),
    ).toBe('Bold and em and code and a link and alt tag');
  });

  it('leaves snake_case and lone asterisks alone', () => {
    expect(inlineText('use snake_case_names and 2 * 3 * 4')).toBe('use snake_case_names and 2 * 3 * 4');
  });
});
