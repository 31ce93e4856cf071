import { fromBundle, toBundle } from './bundle';

const source = `# keep me
name: flow
trigger: { type: webhook, path: flow, secret: "{{ secrets.KEY }}" }
steps:
  - id: a
    agent: research@
    input: "{{ vars.region }} {{ user_input }}"
`;

describe('bundles', () => {
  it('carry the definition as written and the names of what it needs, and read back the same', () => {
    const text = toBundle(source, 3);
    expect(text).toContain('format: chainmail/bundle@1');
    const bundle = fromBundle('flow.bundle.yaml', text);
    expect(bundle).toEqual({
      workflow: 'flow',
      version: 3,
      requires: { agents: ['research@'], workflows: [], secrets: ['KEY'], variables: ['region'] },
      definition: source,
    });
  });

  it('refuses a file that is not a bundle, saying what to do instead', () => {
    expect(() => fromBundle('x.yaml', source)).toThrow(/not a Chainmail bundle.*chainmail apply -f x.yaml/);
    expect(() => fromBundle('x.yaml', 'format: chainmail/bundle@1\n')).toThrow(/no "definition"/);
    expect(() => fromBundle('x.yaml', 'a: [')).toThrow(/not YAML/);
  });
});
