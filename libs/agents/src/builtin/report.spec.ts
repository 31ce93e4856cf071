import { agentCall } from '../agent-call.fixture';
import { CRM_ARTICLE, runCompetitorFlow } from '../competitor-flow.fixture';
import { createDefaultDirectory } from '../default-directory';
import { writeReport } from './report';

function headings(markdown: string): string[] {
  return markdown.split('\n').filter((l) => /^#{1,6} /.test(l));
}

function section(markdown: string, title: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(title);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}

describe('write-report@', () => {
  it('on the seed flow, writes a titled report with summary, findings and next steps', async () => {
    const { summarize, draft } = await runCompetitorFlow(createDefaultDirectory());
    expect(draft.split('\n')[0]).toBe('# Competitive Analysis Report: CRM');
    expect(headings(draft).filter((h) => h.startsWith('# '))).toHaveLength(1);
    expect(headings(draft)).toEqual(
      expect.arrayContaining(['## Executive summary', '## Key findings', '## Conclusion and next steps']),
    );
    expect(section(draft, '## Executive summary')[0]).toMatch(
      /^Offline research stand-in: no web search was done\. /,
    );
    expect(section(draft, '## Key findings').every((l) => l.startsWith('- ') || l.startsWith('### '))).toBe(
      true,
    );
    expect(section(draft, '## Conclusion and next steps').some((l) => l.startsWith('- '))).toBe(true);
    expect(draft).not.toContain('Create a competitive analysis report based on');
    // Every sentence of the summary it was given ends up in the report, but those about the
    // brief rather than from it ("It lists 4 questions…", "Request: …").
    for (const sentence of summarize.split(/(?<=[.?!])\s+/)) {
      if (/^It lists \d+ |^Request: /.test(sentence)) expect(draft).not.toContain(sentence);
      else expect(draft).toContain(sentence);
    }
  });

  it('says in its summary what its sections list, counted as they list it', async () => {
    const { draft } = await runCompetitorFlow(createDefaultDirectory());
    const bullets = (title: string): number =>
      section(draft, title).filter((l) => /^(?:- |\d+\. )/.test(l) && !l.includes('no findings beyond'))
        .length;
    const said =
      /Beyond this summary, it lists (no further findings|\d+ findings?), (no|\d+) open questions? and (no|\d+) next steps?\./.exec(
        draft,
      );
    expect(said).not.toBeNull();
    const n = (text: string): number => (/^\d+/.test(text) ? Number(/^\d+/.exec(text)?.[0]) : 0);
    expect(n(said?.[1] ?? '')).toBe(bullets('## Key findings'));
    expect(n(said?.[2] ?? '')).toBe(bullets('## Open questions'));
    expect(n(said?.[3] ?? '')).toBe(bullets('## Conclusion and next steps'));
    expect(draft).not.toContain('- It lists');
  });

  it('counts findings, questions and next steps as listed on a richer material', () => {
    const report = writeReport(
      [
        'Write a report from:',
        'Acme leads the CRM market with a 30% share. Globex grows fastest in Europe.',
        'Initech sells mostly to banks. Umbrella cut its prices twice this year.',
        'Hooli bundles CRM with email. Who will buy Initech? Is Umbrella profitable?',
        'We should compare the price lists. Interview three Acme customers.',
        'This brief lists 9 items.',
      ].join('\n'),
    );
    expect(report).not.toContain('This brief lists 9 items');
    const said = /it lists (\d+) findings?, (\d+) open questions? and (\d+) next steps?/.exec(report);
    const findings = section(report, '## Key findings').filter((l) => l.startsWith('- ')).length;
    expect(said?.slice(1).map(Number)).toEqual([
      findings,
      section(report, '## Open questions').length,
      section(report, '## Conclusion and next steps').filter((l) => l.startsWith('- ')).length,
    ]);
  });

  it('follows the sections of the material when it has headings', () => {
    const report = writeReport(`Write a market overview report from:\n${CRM_ARTICLE}`);
    expect(report.split('\n')[0]).toBe('# Market Overview Report: CRM');
    expect(section(report, '## Key findings')).toEqual(
      expect.arrayContaining(['### Trends', '### Risks', '- AI features are the main battleground.']),
    );
    expect(report).not.toContain('must never be summarized');
  });

  it('groups findings by theme when the material has no headings, each finding once', () => {
    const material = CRM_ARTICLE.replace(/^#.*$/gm, '').replace(/```[\s\S]*```/, '');
    const report = writeReport(material);
    const findings = section(report, '## Key findings');
    const themes = findings.filter((l) => l.startsWith('### '));
    expect(themes.length).toBeGreaterThanOrEqual(2);
    expect(themes).toContain('### Vendors');
    const bullets = findings.filter((l) => l.startsWith('- '));
    expect(new Set(bullets).size).toBe(bullets.length);
    const summary = section(report, '## Executive summary')[0];
    for (const sentence of [
      'AI features are the main battleground.',
      'New entrants therefore target companies that have never used a CRM before.',
    ]) {
      expect(bullets.filter((b) => b === `- ${sentence}`).length + (summary.includes(sentence) ? 1 : 0)).toBe(
        1,
      );
    }
  });

  it('puts questions under open questions and instructions under next steps', () => {
    const report = writeReport(
      [
        'Create a brief on:',
        'The CRM market keeps growing in Europe. Smaller vendors compete on price rather than features.',
        'Which vendors offer a free plan? Interview five customers about switching costs.',
        'We should compare support quality next quarter.',
      ].join('\n'),
    );
    expect(report.split('\n')[0]).toBe('# Brief: CRM market');
    expect(section(report, '## Open questions')).toEqual(['1. Which vendors offer a free plan?']);
    const steps = section(report, '## Conclusion and next steps').filter((l) => l.startsWith('- '));
    expect(steps).toEqual([
      '- Interview five customers about switching costs.',
      '- We should compare support quality next quarter.',
      '- Answer the open questions above with current, cited sources.',
    ]);
    expect(section(report, '## Executive summary')[0]).toContain('The CRM market keeps growing in Europe.');
  });

  it('titles a report without an instruction from the material', () => {
    expect(writeReport(CRM_ARTICLE).split('\n')[0]).toBe('# The CRM market in 2024');
    expect(
      writeReport(
        'Solar panels got cheaper again this year. Installers report record demand from households.',
      ).split('\n')[0],
    ).toMatch(/^# Report: /);
  });

  it('is deterministic', () => {
    expect(writeReport(CRM_ARTICLE)).toBe(writeReport(CRM_ARTICLE));
  });

  it('as an agent, refuses empty input', async () => {
    const agent = createDefaultDirectory().resolve('write-report@');
    await expect(agent.invoke(agentCall('write-report@', '\n'))).rejects.toMatchObject({
      code: 'AGENT_BAD_INPUT',
      retryable: false,
    });
  });
});
