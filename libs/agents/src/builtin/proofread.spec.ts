import fc from 'fast-check';
import { agentCall } from '../agent-call.fixture';
import { runCompetitorFlow } from '../competitor-flow.fixture';
import { createDefaultDirectory } from '../default-directory';
import { proofreadText } from './proofread';

const polish = (text: string): string => proofreadText(text).text;

describe('proofreadText', () => {
  it.each([
    ['doubled words', 'We saw the the result and it it worked.', 'We saw the result and it worked.'],
    ['tripled words', 'This is is is fine.', 'This is fine.'],
    [
      'doubled words that are grammatical',
      'He had had enough. I know that that is true.',
      'He had had enough. I know that that is true.',
    ],
    [
      'common misspellings, keeping case',
      'Teh team will recieve a seperate note. TEH END.',
      'The team will receive a separate note. THE END.',
    ],
    ['missing apostrophes and split words', 'We dont know, alot changed.', "We don't know, a lot changed."],
    [
      'space before punctuation',
      'Prices rose , then fell ; nobody knows why !',
      'Prices rose, then fell; nobody knows why!',
    ],
    [
      'missing space after punctuation',
      'Prices rose,then fell.Nobody knows why.',
      'Prices rose, then fell. Nobody knows why.',
    ],
    ['doubled spaces', 'Two  spaces   here.', 'Two spaces here.'],
    [
      'sentence capitals',
      'first sentence. second one! third? yes.',
      'First sentence. Second one! Third? Yes.',
    ],
    ['the pronoun I', "i think i'm right, and i've checked.", "I think I'm right, and I've checked."],
    ['curly quotes and ellipses', 'She said “ship it” and ‘wait’…', 'She said "ship it" and \'wait\'...'],
    ['double hyphens as dashes', 'Fast -- and cheap.', 'Fast — and cheap.'],
    ['repeated punctuation', 'Really?? Great!! Done..', 'Really? Great! Done.'],
    ['trailing whitespace', 'Line one. \nLine two.\t\n\nEnd.   ', 'Line one.\nLine two.\n\nEnd.'],
    ['a hard line break to its two spaces', 'Line one.    \nLine two.', 'Line one.  \nLine two.'],
  ])('fixes %s', (_name, input, expected) => {
    expect(polish(input)).toBe(expected);
  });

  it.each([
    ['abbreviations', 'Vendors, e.g. the big ones, i.e. three of them, etc. all agree.'],
    ['names written in lower case on purpose', 'It runs on iPhone. eBay sells it. npm installs it.'],
    ['numbers and versions', 'Plans cost 1,000 dollars, up 3.5 percent at 10:30 on v2.1.'],
    ['list numbering in parentheses', 'Two options: (i) keep it, (ii) drop it.'],
    ['ellipses', 'Wait... then go.'],
    ['a line using private-use characters', 'teh icon \ue001 stays .'],
  ])('leaves %s alone', (_name, input) => {
    expect(proofreadText(input)).toEqual({ text: input, corrections: [] });
  });

  it('leaves code, links, addresses, templates and file names untouched', () => {
    const text = [
      'Run `teh  tool ,now` first.',
      'See https://example.com/teh..page?a=1,b=2 and [teh docs](https://example.com/x_y) .',
      'Mail research@mail-to-ai.com or competitor-intel@ about {{ inputs.teh_topic }}.',
      'Edit package.json and libs/agents/src/index.ts , not teh README.',
    ].join('\n');
    expect(polish(text)).toBe(
      [
        'Run `teh  tool ,now` first.',
        'See https://example.com/teh..page?a=1,b=2 and [the docs](https://example.com/x_y).',
        'Mail research@mail-to-ai.com or competitor-intel@ about {{ inputs.teh_topic }}.',
        'Edit package.json and libs/agents/src/index.ts, not the README.',
      ].join('\n'),
    );
  });

  it('leaves fenced and indented code blocks, tables and HTML exactly as written', () => {
    const text = [
      'Intro  text.',
      '',
      '```ts',
      'const  teh = 1 ;   ',
      '// the the recieve',
      '```',
      '',
      '~~~',
      'teh  ,',
      '~~~',
      '',
      '    indented  teh code ;',
      '    more  code',
      '',
      '| Vendor | Price  |',
      '| --- | --- |',
      '| teh  one | 10 |',
      '',
      '<div class="teh">teh  html</div>',
    ];
    const expected = [...text];
    expected[0] = 'Intro text.';
    expect(polish(text.join('\n'))).toBe(expected.join('\n'));
  });

  it('keeps the Markdown structure: headings, lists, quotes, hard breaks', () => {
    const text = [
      '# teh  report',
      '',
      '## Findings ##',
      '',
      '- first point with teh error',
      '  - nested  point.',
      '1. numbered item is done.',
      '2) another item',
      '- [ ] task with teh box',
      '',
      '> quoted text with teh error. it ends.',
      '',
      'A line with a hard break  ',
      'and its continuation.',
    ].join('\n');
    expect(polish(text)).toBe(
      [
        '# The report',
        '',
        '## Findings ##',
        '',
        '- first point with the error',
        '  - Nested point.',
        '1. Numbered item is done.',
        '2) another item',
        '- [ ] task with the box',
        '',
        '> Quoted text with the error. It ends.',
        '',
        'A line with a hard break  ',
        'and its continuation.',
      ].join('\n'),
    );
  });

  it('capitalizes a sentence continued on the next line only where one starts', () => {
    expect(polish('This sentence goes on\nover two lines. and this\none too.')).toBe(
      'This sentence goes on\nover two lines. And this\none too.',
    );
  });

  it('keeps Windows line endings', () => {
    expect(polish('teh first.\r\nsecond  line.\r\n')).toBe('The first.\r\nSecond line.\r\n');
  });

  it('lists each correction with its kind and line', () => {
    const { corrections } = proofreadText('# Title\n\nWe recieve the the data .  \n');
    expect(corrections).toEqual([
      { kind: 'spelling', line: 3, before: 'recieve', after: 'receive' },
      { kind: 'doubled-word', line: 3, before: 'the the', after: 'the' },
      { kind: 'spacing', line: 3, before: ' .', after: '.' },
      { kind: 'whitespace', line: 3, before: '"  "', after: '""' },
    ]);
  });

  it('is idempotent: polishing polished text changes nothing (property)', () => {
    const token = fc.constantFrom(
      'the',
      'The',
      'teh',
      'recieve',
      'i',
      'market',
      'CRM',
      'e.g.',
      '`code  ,x`',
      'research@',
      '{{ x }}',
      ',',
      '.',
      '!',
      '?',
      '!!',
      ' ',
      '  ',
      '\n',
      '\n\n',
      '- ',
      '# ',
      '“',
      '”',
      '…',
      ' -- ',
      'dont',
      'is is',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const text = tokens.join(' ');
        const once = polish(text);
        expect(polish(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('never touches the inside of a fenced code block (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (code) => {
        const body = code.replace(/`{3,}|~{3,}/g, '');
        const text = `teh intro.\n\n\`\`\`\n${body}\n\`\`\`\n`;
        expect(polish(text)).toContain(`\`\`\`\n${body}\n\`\`\``);
      }),
      { numRuns: 200 },
    );
  });
});

describe('proofread@', () => {
  it('on the seed flow, polishes the draft without the instruction and finds nothing to fix in its own report', async () => {
    const { draft, review } = await runCompetitorFlow(createDefaultDirectory());
    expect(review.startsWith('# Competitive Analysis Report: CRM\n')).toBe(true);
    expect(review).not.toContain('Review and polish');
    expect(review).toBe(draft);
    expect(proofreadText(draft).corrections).toEqual([]);
  });

  it('fixes errors introduced into the seed draft and reports only the text', async () => {
    const { draft } = await runCompetitorFlow(createDefaultDirectory());
    const damaged = draft.replace(
      '## Executive summary\n\n',
      '## Executive summary\n\nteh  summary is is short .  \n\n',
    );
    const agent = createDefaultDirectory().resolve('proofread@');
    const { output } = await agent.invoke(agentCall('proofread@', `Review and polish: ${damaged}`));
    expect(output).toBe(
      draft.replace('## Executive summary\n\n', '## Executive summary\n\nThe summary is short.\n\n'),
    );
  });

  it('returns empty text for empty input', async () => {
    const agent = createDefaultDirectory().resolve('proofread@');
    await expect(agent.invoke(agentCall('proofread@', ''))).resolves.toEqual({ output: '' });
  });
});
