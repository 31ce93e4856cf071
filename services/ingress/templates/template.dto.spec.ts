import { defaultTemplatesDir, TemplateLibrary } from '@chainmail/templates';
import { toTemplateDetail, toTemplateSummary } from './template.dto';

const library = TemplateLibrary.load(defaultTemplatesDir());

describe('template answers', () => {
  it('name in the list each agent a template calls with its defaults, once, as its page does', () => {
    const summary = toTemplateSummary(library.get('meeting-action-items'));
    // notes_agent is a parameter whose default is summarize@.
    expect(summary.agents).toEqual(['summarize@', 'write-report@', 'proofread@']);
    for (const template of library.all()) {
      const detail = toTemplateDetail(template, '');
      expect(toTemplateSummary(template).agents).toEqual([...new Set(detail.agents.map((a) => a.address))]);
    }
  });

  it('keep the agent parameter and the production advice on the page', () => {
    const detail = toTemplateDetail(library.get('meeting-action-items'), '');
    expect(detail.agents[0]).toEqual({
      address: 'summarize@',
      parameter: 'notes_agent',
      production: 'an openai agent with a meeting-minutes prompt',
    });
  });
});
