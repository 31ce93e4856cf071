import { builtinAgents } from '@chainmail/agents';
import { ChainmailError } from '@chainmail/contracts';
import { parseWorkflow, requirementsOf } from '@chainmail/workflow-dsl';
import { defaultTemplatesDir, TemplateLibrary } from './template-library';

const library = TemplateLibrary.load(defaultTemplatesDir());
const builtins = new Set(builtinAgents().map((a) => a.address));

describe('the templates library', () => {
  it('has at least 15 templates, each described, categorised and with a guide and a sample input', () => {
    expect(library.all().length).toBeGreaterThanOrEqual(15);
    for (const t of library.all()) {
      expect(t.title.length).toBeGreaterThan(3);
      expect(t.description.length).toBeGreaterThan(20);
      expect(t.guide.length).toBeGreaterThan(20);
      expect(t.agents.length).toBeGreaterThan(0);
      for (const a of t.agents) expect(a.production.length).toBeGreaterThan(5);
    }
  });

  it.each(library.all().map((t) => [t.id]))(
    '%s renders with its defaults into a valid workflow on builtin agents whose needs it declares',
    (id) => {
      const template = library.get(id);
      const { source } = library.render(id, `try-${id}`);
      const parsed = parseWorkflow(source, { knownAgents: (a) => builtins.has(a) });
      if (!parsed.ok) throw new Error(`${id}: ${JSON.stringify(parsed.errors, null, 2)}`);
      expect(parsed.definition.name).toBe(`try-${id}`);
      const needs = requirementsOf(parsed.definition, source);
      expect(needs.secrets).toEqual(template.secrets.map((s) => s.name).sort());
      expect(needs.variables).toEqual(template.variables.map((v) => v.name).sort());
      const declared = template.agents
        .map((a) => a.address ?? template.parameters.find((p) => p.name === a.parameter)?.default)
        .sort();
      expect(needs.agents).toEqual([...new Set(declared)].sort());
    },
  );

  it('finds by words and by category', () => {
    expect(library.search('competitor').map((t) => t.id)).toEqual(
      expect.arrayContaining(['competitor-analysis', 'weekly-competitor-update']),
    );
    expect(
      library
        .search(undefined, 'schedules')
        .map((t) => t.id)
        .sort(),
    ).toEqual(['daily-news-digest', 'standup-prep', 'weekly-competitor-update']);
    expect(library.search('no such words here')).toEqual([]);
  });

  it('puts parameter values in as values, never as YAML, and checks their types', () => {
    const { source } = library.render('data-report', 'evil', {
      chart_agent: 'charts@',
    });
    expect(source).toMatch(/agent: ["']charts@["']/);
    const injected = library.render('research-to-send', 'tone-test', { tone: 'bold"\nsteps: []\n#' });
    const parsed = parseWorkflow(injected.source);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.definition.steps).toHaveLength(5);
    expect(() => library.render('translation', 'x', { concurrency: 'many' })).toThrow(
      /concurrency must be a number/,
    );
    expect(() => library.render('translation', 'x', { nope: 1 })).toThrow(
      /"nope" is not a parameter of translation/,
    );
    expect(() => library.render('data-report', 'x', { chart_agent: 'not an address' })).toThrow(
      ChainmailError,
    );
    expect(() => library.render('data-report', 'Bad Name')).toThrow(/is not a workflow name/);
    expect(() => library.get('nope')).toThrow(/No template has the id "nope"/);
    const n = library.render('translation', 'x', { concurrency: '2' });
    expect(n.source).toMatch(/concurrency: 2\n/);
  });
});
