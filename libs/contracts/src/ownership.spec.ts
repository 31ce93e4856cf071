import {
  agentVisibleTo,
  canonicalOwner,
  isOwnerPattern,
  mayDo,
  mayStartWorkflow,
  mayUseAgent,
  publishableOwners,
  rightsOf,
  roleOn,
  visibleOwners,
} from './ownership';

const ann = rightsOf({
  userId: 'usr_ann',
  teams: [
    { teamId: 'red', role: 'editor' },
    { teamId: 'blue', role: 'viewer' },
    { teamId: 'green', role: 'runner' },
  ],
});
const admin = rightsOf({ userId: 'usr_admin', teams: [] });

describe('owner rights', () => {
  it('gives a user the owner role on its own objects and its role on each team', () => {
    expect(roleOn(ann, 'user:usr_ann')).toBe('owner');
    expect(roleOn(ann, 'team:red')).toBe('editor');
    expect(roleOn(ann, 'team:blue')).toBe('viewer');
    expect(roleOn(ann, 'user:usr_bob')).toBeUndefined();
    expect(roleOn(ann, 'team:black')).toBeUndefined();
  });

  it('lets viewers read, runners run, editors publish, owners manage', () => {
    const table = (owner: string) =>
      (['read', 'run', 'publish', 'manage'] as const).filter((a) => mayDo(ann, owner, a));
    expect(table('user:usr_ann')).toEqual(['read', 'run', 'publish', 'manage']);
    expect(table('team:red')).toEqual(['read', 'run', 'publish']);
    expect(table('team:green')).toEqual(['read', 'run']);
    expect(table('team:blue')).toEqual(['read']);
    expect(table('user:usr_bob')).toEqual([]);
  });

  it('reads the legacy owner "default" as the first admin\'s, and nobody else\'s', () => {
    expect(canonicalOwner('default')).toBe('user:usr_admin');
    expect(roleOn(admin, 'default')).toBe('owner');
    expect(roleOn(ann, 'default')).toBeUndefined();
    expect(visibleOwners(admin)).toEqual(['user:usr_admin', 'default']);
    expect(visibleOwners(ann)).not.toContain('default');
  });

  it('publishes for the owners where the role allows it', () => {
    expect(publishableOwners(ann).sort()).toEqual(['team:red', 'user:usr_ann']);
  });
});

describe('agents a run may call', () => {
  it('allows builtins to all, an entry to its owner, to the owners it lists, and configuration entries to all', () => {
    expect(mayUseAgent({}, 'user:usr_bob')).toBe(true);
    expect(mayUseAgent({ owner: 'team:red' }, 'team:red')).toBe(true);
    expect(mayUseAgent({ owner: 'team:red' }, 'user:usr_ann')).toBe(false);
    expect(mayUseAgent({ owner: 'team:red', allowedOwners: ['user:usr_ann'] }, 'user:usr_ann')).toBe(true);
    expect(mayUseAgent({ owner: 'team:red', allowedOwners: ['*'] }, 'user:usr_bob')).toBe(true);
    expect(mayUseAgent({ owner: 'installation' }, 'user:usr_bob')).toBe(true);
    expect(mayUseAgent({ owner: 'installation', allowedOwners: ['team:red'] }, 'user:usr_bob')).toBe(false);
    expect(mayUseAgent({ owner: 'default' }, 'user:usr_admin')).toBe(true);
    expect(mayUseAgent({ owner: 'default' }, 'user:usr_bob')).toBe(false);
  });

  it('lists an entry to whom may see or use it', () => {
    expect(agentVisibleTo({ owner: 'team:blue' }, ann)).toBe(true);
    expect(agentVisibleTo({ owner: 'user:usr_bob' }, ann)).toBe(false);
    expect(agentVisibleTo({ owner: 'user:usr_bob', allowedOwners: ['team:red'] }, ann)).toBe(true);
    expect(agentVisibleTo({ owner: 'installation' }, ann)).toBe(true);
  });

  it('reads allowedOwners patterns', () => {
    expect(['user:usr_1', 'team:t_2', '*'].every(isOwnerPattern)).toBe(true);
    expect(['usr_1', 'team:', 'group:x', 'user:a b'].some(isOwnerPattern)).toBe(false);
  });
});

describe('sub-workflows a run may start', () => {
  it('allows the same owner, and the teams its owner user may run', () => {
    const teams = [
      { teamId: 'red', role: 'runner' as const },
      { teamId: 'blue', role: 'viewer' as const },
    ];
    expect(mayStartWorkflow('team:red', 'team:red')).toBe(true);
    expect(mayStartWorkflow('default', 'user:usr_admin')).toBe(true);
    expect(mayStartWorkflow('user:usr_ann', 'team:red', teams)).toBe(true);
    expect(mayStartWorkflow('user:usr_ann', 'team:blue', teams)).toBe(false);
    expect(mayStartWorkflow('user:usr_ann', 'user:usr_bob', teams)).toBe(false);
    expect(mayStartWorkflow('team:red', 'user:usr_ann', teams)).toBe(false);
  });
});
