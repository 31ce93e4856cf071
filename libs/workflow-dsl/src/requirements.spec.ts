import { parseWorkflow } from './parse-workflow';
import { requirementsOf } from './requirements';

const source = `
name: needs-things
trigger: { type: webhook, path: needs-things, secret: "{{ secrets.HOOK_KEY }}" }
vars: { tone: friendly }
steps:
  - id: fan
    parallel:
      - { id: a, agent: research@, input: "{{ vars.region }} {{ vars.tone }}" }
      - { id: b, agent: summarize@, input: "{{ user_input }}" }
  - id: each
    foreach: "{{ fan.output }}"
    as: item
    agent: echo@
    input: "{{ item }}"
  - id: child
    workflow: other-flow
    input: "{{ each.output }} (secrets.NOT_A_TEMPLATE outside braces)"
`;

describe('requirementsOf', () => {
  it('lists agents, sub-workflows, secret names and the variables the definition does not define', () => {
    const parsed = parseWorkflow(source);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(requirementsOf(parsed.definition, source)).toEqual({
      agents: ['echo@', 'research@', 'summarize@'],
      workflows: ['other-flow'],
      secrets: ['HOOK_KEY'],
      variables: ['region'],
    });
  });
});
