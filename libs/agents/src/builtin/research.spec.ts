import { agentCall } from '../agent-call.fixture';
import { CRM_ARTICLE, SEED_USER_INPUT } from '../competitor-flow.fixture';
import { createDefaultDirectory } from '../default-directory';
import { RESEARCH_STAND_IN_NOTICE, researchBrief } from './research';

const SEED_INPUT = `Research competitors for: ${SEED_USER_INPUT}`;

function section(markdown: string, title: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}

describe('research@ (offline stand-in)', () => {
  const brief = researchBrief(SEED_INPUT);

  it('says in its first line that it is the offline stand-in and how to connect a model', () => {
    const first = brief.split('\n')[0];
    expect(first).toBe(RESEARCH_STAND_IN_NOTICE);
    expect(first).toMatch(/^Offline research stand-in: no web search was done\./);
    expect(first).toContain('Bind research@ to a model');
    expect(first).toContain('README');
  });

  it('takes the topic from the request, without the instruction or the ask', () => {
    expect(brief).toContain('\n# Research brief: Competitors in the CRM space\n');
    expect(section(brief, 'Topic')).toEqual([
      '- Request: Analyze our competitors in the CRM space',
      '- Subject: CRM',
      '- Angle: competitive analysis',
    ]);
  });

  it('extracts key terms by frequency, leaving out stopwords and request verbs', () => {
    const terms = section(brief, 'Key terms');
    expect(terms).toContain('- competitors (2 mentions)');
    expect(terms.some((t) => t.includes('CRM'))).toBe(true);
    for (const noise of ['our', 'the', 'in', 'Analyze', 'Research', 'for']) {
      expect(terms).not.toContain(`- ${noise}`);
    }
  });

  it('asks questions about the subject, the competitors first because the request names them first', () => {
    const questions = section(brief, 'Questions to answer');
    expect(questions.length).toBeGreaterThanOrEqual(4);
    expect(questions[0]).toBe(
      '1. Who are the main competitors in CRM, and which of them compete most directly with us?',
    );
    for (const q of questions) {
      expect(q).toMatch(/^\d+\. .*CRM.*\?$/);
    }
  });

  it('frames the areas to investigate: market, players, pricing and differentiation', () => {
    const areas = section(brief, 'Areas to investigate').filter((l) => l.startsWith('### '));
    expect(areas).toEqual(['### Players', '### Market', '### Pricing', '### Differentiation']);
    expect(
      section(brief, 'Areas to investigate')
        .filter((l) => l.startsWith('- '))
        .every((l) => l.endsWith('.')),
    ).toBe(true);
  });

  it('adds the areas a request names beyond the core ones', () => {
    const text = researchBrief(
      'Research: pricing and customer churn of project management tools, and their AI integrations',
    );
    const areas = section(text, 'Areas to investigate').filter((l) => l.startsWith('### '));
    expect(areas).toEqual([
      '### Pricing',
      '### Customers',
      '### Technology',
      '### Market',
      '### Players',
      '### Differentiation',
    ]);
    expect(text).toContain('- Angle: market analysis, with a focus on customers and technology');
  });

  it('uses general areas for a request that is not about a business', () => {
    const text = researchBrief('Research: the history of the Roman aqueducts and how they were engineered');
    expect(text).toContain('# Research brief: History of the Roman aqueducts and how they were engineered');
    expect(text).toContain('- Subject: Roman aqueducts');
    expect(text).toContain('### Background');
    expect(text).not.toContain('### Pricing');
    expect(section(text, 'Questions to answer').every((q) => q.includes('Roman aqueducts'))).toBe(true);
  });

  it("keeps the requester's own questions first", () => {
    const text = researchBrief(
      'Look into the CRM market. Which vendors offer a free plan? How fast are they growing?',
    );
    const questions = section(text, 'Questions to answer');
    expect(questions.slice(0, 2)).toEqual([
      '1. Which vendors offer a free plan?',
      '2. How fast are they growing?',
    ]);
  });

  it('keeps the strongest sentences of a long request as notes, and cuts the quoted request short', () => {
    const text = researchBrief(`Research this: ${CRM_ARTICLE}`);
    const notes = section(text, 'Notes from the request');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.length).toBeLessThanOrEqual(3);
    for (const note of notes) expect(CRM_ARTICLE).toContain(note.slice(2));
    const request = section(text, 'Topic')[0];
    expect(request.length).toBeLessThan(220);
    expect(request).not.toContain('#');
    expect(text).toContain('# Research brief: CRM market in 2024');
    expect(text).not.toContain('must never be summarized');
  });

  it('is deterministic and depends on its input', () => {
    expect(researchBrief(SEED_INPUT)).toBe(brief);
    expect(
      researchBrief('Research competitors for: Analyze our competitors in the payroll software market'),
    ).not.toBe(brief);
    expect(
      researchBrief('Research competitors for: Analyze our competitors in the payroll software market'),
    ).toContain('- Subject: payroll software');
  });

  it('as an agent, returns the brief and refuses empty input without retry', async () => {
    const agent = createDefaultDirectory().resolve('research@');
    await expect(agent.invoke(agentCall('research@', SEED_INPUT))).resolves.toEqual({ output: brief });
    await expect(agent.invoke(agentCall('research@', '  \n '))).rejects.toMatchObject({
      code: 'AGENT_BAD_INPUT',
      retryable: false,
    });
  });
});
