import { DefinitionCatalog } from '@chainmail/catalog';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { TriggerBindings } from './trigger-bindings';

function definition(yaml: string): WorkflowDefinition {
  const parsed = parseWorkflow(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.definition;
}

function publish(catalog: DefinitionCatalog, yaml: string, version = 1): void {
  const def = definition(yaml);
  catalog.apply(catalog.appliedSeq + 1, {
    type: 'WorkflowPublished',
    v: 1,
    at: '2026-01-01T00:00:00Z',
    data: { name: def.name, version, source: yaml, definition: def, publishedBy: 't', owner: 'default' },
  });
}

const steps = 'steps:\n  - { id: a, agent: echo@, input: "{{user_input}}" }\n';

describe('TriggerBindings', () => {
  let catalog: DefinitionCatalog;
  let bindings: TriggerBindings;

  beforeEach(() => {
    catalog = new DefinitionCatalog();
    bindings = new TriggerBindings(catalog);
  });

  it('binds name@ to that local part at any domain, case-insensitively', () => {
    publish(catalog, `name: intel\ntrigger: email to competitor-intel@\n${steps}`);
    expect(bindings.emailFor('competitor-intel@acme.example').map((b) => b.workflow)).toEqual(['intel']);
    expect(bindings.emailFor('Competitor-Intel@LOCALHOST').map((b) => b.workflow)).toEqual(['intel']);
    expect(bindings.emailFor('competitor@acme.example')).toEqual([]);
    expect(bindings.emailFor('not-an-address')).toEqual([]);
  });

  it('binds a full address only to itself', () => {
    publish(
      catalog,
      `name: intel\ntrigger: { type: email, address: intel@acme.example, allow: ["*@acme.example"] }\n${steps}`,
    );
    expect(bindings.emailFor('intel@acme.example')).toEqual([
      { workflow: 'intel', address: 'intel@acme.example', allow: ['*@acme.example'] },
    ]);
    expect(bindings.emailFor('intel@other.example')).toEqual([]);
  });

  it('follows the catalog: a new version replaces the old triggers, a rollback restores them', () => {
    publish(catalog, `name: intel\ntrigger: email to old@\n${steps}`);
    expect(bindings.emailFor('old@x.example')).toHaveLength(1);
    publish(catalog, `name: intel\ntrigger: email to new@\n${steps}`, 2);
    expect(bindings.emailFor('old@x.example')).toEqual([]);
    expect(bindings.emailFor('new@x.example')).toHaveLength(1);
    catalog.apply(catalog.appliedSeq + 1, {
      type: 'WorkflowRolledBack',
      v: 1,
      at: '2026-01-01T00:00:01Z',
      data: { name: 'intel', fromVersion: 2, toVersion: 1, by: 't' },
    });
    expect(bindings.emailFor('old@x.example')).toHaveLength(1);
    expect(bindings.emailFor('new@x.example')).toEqual([]);
  });

  it('finds webhooks by path with their secret and mode; every workflow bound to an address', () => {
    publish(
      catalog,
      `name: hooked\nmode: sync\ntriggers:\n  - { type: webhook, path: /github/push, secret: "{{secrets.HOOK_KEY}}" }\n  - email to a@\n${steps}`,
    );
    publish(catalog, `name: other\ntrigger: email to a@\n${steps}`);
    expect(bindings.webhookFor('github/push')).toEqual([
      { workflow: 'hooked', path: 'github/push', secret: '{{secrets.HOOK_KEY}}', mode: 'sync' },
    ]);
    expect(bindings.webhookFor('/github/push/')).toHaveLength(1);
    expect(bindings.webhookFor('github')).toEqual([]);
    expect(
      bindings
        .emailFor('a@b.example')
        .map((b) => b.workflow)
        .sort(),
    ).toEqual(['hooked', 'other']);
    expect(bindings.emailBindings()).toHaveLength(2);
  });
});
