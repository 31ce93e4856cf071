import { keyTerms } from './key-terms';
import { REQUEST_WORDS } from './stopwords';

describe('keyTerms', () => {
  it('ranks content words by frequency and skips stopwords', () => {
    const terms = keyTerms(
      'The vendors and the vendors, and their pricing. The vendors win on pricing and on support.',
    );
    expect(terms.map((t) => [t.text, t.count])).toEqual([
      ['vendors', 3],
      ['pricing', 2],
      ['win', 1],
      ['support', 1],
    ]);
  });

  it('counts plurals and capitalized forms as one term, shown as usually written', () => {
    const [first] = keyTerms('Competitors matter. A competitor moved. Our competitors react to competitors.');
    expect(first).toMatchObject({ text: 'competitors', key: 'competitor', count: 4 });
  });

  it('weighs acronyms and keeps a phrase over the words it is made of', () => {
    const terms = keyTerms('Analyze our competitors in the CRM space. Competitors matter.', {
      exclude: REQUEST_WORDS,
    });
    expect(terms.map((t) => t.text)).toEqual(['CRM space', 'competitors', 'matter']);
  });

  it('in a long text, needs a phrase to repeat', () => {
    const text = `${'Our sales teams use email tools daily. '.repeat(10)}Support desks answer Zendesk tickets.`;
    const terms = keyTerms(text).map((t) => t.text);
    expect(terms).toEqual(expect.arrayContaining(['sales teams', 'email tools']));
    expect(terms.join()).not.toMatch(/Support desks|Zendesk tickets/);
  });

  it('does not take a capital at the start of a sentence for a name', () => {
    const terms = keyTerms('Pricing matters here. Vendors change pricing often.').map((t) => t.text);
    expect(terms[0]).toBe('pricing');
    expect(terms).not.toContain('Vendors change');
    expect(keyTerms('Release Node.js 20 today. Teams like Node.js a lot.').map((t) => t.text)).toContain(
      'Node.js',
    );
  });

  it('merges words of the same stem and honours the limit', () => {
    const terms = keyTerms('pricing pricing price plans plans plans data', { limit: 2 }).map((t) => t.text);
    expect(terms).toEqual(['plans', 'pricing']);
  });
});
