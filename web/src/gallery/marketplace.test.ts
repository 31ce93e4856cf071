import { describe, expect, it } from 'vitest';
import { bindingsOf, installRequest, isAuthor, parseTags, publishableTeams } from './marketplace';

const ann = {
  user: { id: 'usr_ann', name: 'ann', email: null, admin: false },
  teams: [
    { id: 'red', name: 'red', role: 'editor' },
    { id: 'blue', name: 'blue', role: 'runner' },
  ],
};

describe('the marketplace pages', () => {
  it('offer Unpublish to the author: the user, or an editor or owner of the author team', () => {
    expect(isAuthor(ann, 'user:usr_ann')).toBe(true);
    expect(isAuthor(ann, 'team:red')).toBe(true);
    expect(isAuthor(ann, 'team:blue')).toBe(false);
    expect(isAuthor(ann, 'user:usr_bob')).toBe(false);
  });

  it('offer to publish or install for the teams one edits or owns', () => {
    expect(
      publishableTeams({ teams: [...ann.teams, { id: 'green', name: 'green', role: 'owner' }] }),
    ).toEqual([
      { id: 'red', name: 'red' },
      { id: 'green', name: 'green' },
    ]);
  });

  it("list a listed workflow's webhook paths and email addresses, which an installer replaces", () => {
    expect(
      bindingsOf({
        triggers: [
          { type: 'webhook', path: 'ann-hook' },
          { type: 'email', address: 'intel@' },
          { type: 'schedule', cron: '0 9 * * *', timezone: 'UTC' },
        ],
      }),
    ).toEqual([
      { kind: 'webhook path', value: 'ann-hook' },
      { kind: 'email address', value: 'intel@' },
    ]);
  });

  it('install with what was filled in and differs from the listing', () => {
    expect(installRequest({ name: ' ', team: '', agents: { 'ann-writer@': '' }, bindings: {} })).toEqual({});
    expect(
      installRequest({
        name: ' my-copy ',
        team: 'red',
        agents: { 'ann-writer@': ' my-writer@', 'research@': 'research@' },
        bindings: { 'ann-hook': 'my-hook' },
      }),
    ).toEqual({
      name: 'my-copy',
      team: 'red',
      agents: { 'ann-writer@': 'my-writer@' },
      bindings: { 'ann-hook': 'my-hook' },
    });
  });

  it('read tags as lower-case words, each once', () => {
    expect(parseTags('research, Competitors  crm,research')).toEqual(['research', 'competitors', 'crm']);
    expect(parseTags('  ')).toEqual([]);
  });
});
