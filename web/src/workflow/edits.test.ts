import { parseWorkflow } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/contracts';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  addStep,
  addTrigger,
  connect,
  deleteStep,
  disconnect,
  moveStep,
  newDefinition,
  removeTrigger,
  renameStep,
  setNeeds,
  updateStep,
  updateWorkflow,
} from './edits';
import { definitionToGraph } from './graph';
import { definitionToYaml, formatDuration } from './to-yaml';

const parsed = (source: string): WorkflowDefinition => {
  const result = parseWorkflow(source);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return result.definition;
};

describe('edits in the graph give the expected YAML', () => {
  it('builds a three-step workflow by adding steps', () => {
    let definition = newDefinition('three-steps', 'echo@');
    definition = addStep(definition, 'uppercase@');
    definition = addStep(definition, 'echo@');
    expect(definitionToYaml(definition)).toBe(
      [
        'name: three-steps',
        'steps:',
        '  - id: step1',
        '    agent: echo@',
        '    input: "{{ user_input }}"',
        '  - id: step2',
        '    agent: uppercase@',
        '    input: "{{ step1.output }}"',
        '  - id: step3',
        '    agent: echo@',
        '    input: "{{ step2.output }}"',
        'output:',
        '  format: none',
        '',
      ].join('\n'),
    );
    expect(parsed(definitionToYaml(definition))).toEqual(definition);
  });

  const base = parsed(
    [
      'name: w',
      'steps:',
      '  - { id: a, agent: echo@ }',
      '  - { id: b, agent: echo@ }',
      '  - { id: c, agent: echo@ }',
    ].join('\n'),
  );

  it('connecting two steps writes needs on the target', () => {
    const yaml = definitionToYaml(connect(base, 'a', 'c'));
    expect(yaml).toContain('  - id: c\n    agent: echo@\n    needs:\n      - b\n      - a\n');
    expect(parsed(yaml).steps[2].needs).toEqual(['b', 'a']);
  });

  it('disconnecting writes the needs that are left (none: the step starts with the run)', () => {
    const yaml = definitionToYaml(disconnect(base, 'b', 'c'));
    expect(yaml).toContain('  - id: c\n    agent: echo@\n    needs: []\n');
    const graph = definitionToGraph(parsed(yaml));
    expect(graph.edges.map((e) => e.id)).toEqual(['a->b']);
  });

  it('deleting a step removes it and the needs that named it; the next step follows the one before', () => {
    const yaml = definitionToYaml(deleteStep(connect(base, 'a', 'c'), 'b'));
    expect(yaml).toBe(
      'name: w\nsteps:\n  - id: a\n    agent: echo@\n  - id: c\n    agent: echo@\n    needs:\n      - a\n',
    );
    expect(definitionToYaml(deleteStep(base, 'b'))).toBe(
      'name: w\nsteps:\n  - id: a\n    agent: echo@\n  - id: c\n    agent: echo@\n',
    );
    expect(parsed(definitionToYaml(deleteStep(base, 'b'))).steps[1].needs).toEqual(['a']);
  });

  it('the side panel writes what a step waits for, or gives it back to the previous step', () => {
    const waits = setNeeds(base, 'c', ['a', 'a']);
    expect(definitionToYaml(waits)).toContain('  - id: c\n    agent: echo@\n    needs:\n      - a\n');
    expect(parsed(definitionToYaml(waits))).toEqual(waits);
    const back = setNeeds(waits, 'c', undefined);
    expect(definitionToYaml(back)).toBe(definitionToYaml(base));
    expect(back.steps[2].needs).toEqual(['b']);
  });

  it('moving a step reorders the list and the order edges', () => {
    const moved = moveStep(base, 'c', -1);
    expect(moved.steps.map((s) => s.id)).toEqual(['a', 'c', 'b']);
    expect(definitionToGraph(moved).edges.map((e) => e.id)).toEqual(['a->c', 'c->b']);
    expect(parsed(definitionToYaml(moved))).toEqual(moved);
    expect(moveStep(base, 'a', -1)).toBe(base);
  });

  it('the side panel fields land in the YAML', () => {
    const edited = updateStep(base, 'b', {
      agent: 'summarize@',
      input: 'Summarize: {{ a.output }}',
      condition: "{{ a.output != '' }}",
      timeoutMs: 90_000,
      retry: { max: 2, backoff: 'fixed', delayMs: 1500, maxDelayMs: 1500, jitter: false },
      onError: { kind: 'goto', step: 'c' },
    });
    const yaml = definitionToYaml(edited);
    expect(yaml).toContain(
      [
        '  - id: b',
        '    agent: summarize@',
        `    condition: "{{ a.output != '' }}"`,
        '    input: "Summarize: {{ a.output }}"',
        '    retry:',
        '      max: 2',
        '      backoff: fixed',
        '      delay: 1s500ms',
        '      max_delay: 1s500ms',
        '      jitter: false',
        '    timeout: 1m30s',
        '    on_error:',
        '      goto: c',
      ].join('\n'),
    );
    expect(parsed(yaml)).toEqual(edited);
    expect(
      definitionToYaml(updateStep(edited, 'b', { condition: undefined, onError: undefined })),
    ).not.toMatch(/condition|on_error/);
  });

  it('renaming a step renames its needs, gotos and template references', () => {
    const source = parsed(
      [
        'name: w',
        'steps:',
        '  - { id: a, agent: echo@ }',
        '  - { id: b, agent: echo@, needs: [a], input: "{{ a.output }} and {{a.output}}", on_error: { goto: a } }',
        'output: "{{ b.output }}"',
      ].join('\n'),
    );
    const renamed = renameStep(source, 'a', 'first');
    const again = parsed(definitionToYaml(renamed));
    expect(again.steps[1]).toMatchObject({
      needs: ['first'],
      input: '{{ first.output }} and {{first.output}}',
      onError: { kind: 'goto', step: 'first' },
    });
    expect(renameStep(source, 'a', 'b')).toBe(source);
    expect(renameStep(source, 'a', '9bad')).toBe(source);
  });

  it('writes durations the parser reads back to the same number', () => {
    for (const ms of [1, 999, 1000, 61_000, 3_600_000, 86_400_000 + 1, 1500])
      expect(parsed(definitionToYaml({ ...base, timeoutMs: ms })).timeoutMs).toBe(ms);
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('problems land on their step', () => {
  it('maps issue paths to step ids, branches included', async () => {
    const { problemsByStep } = await import('./problems');
    const source = [
      'name: w',
      'steps:',
      '  - id: fan',
      '    parallel:',
      '      - { id: left, agent: nobody }',
      '  - { name: b, agent: echo@, input: "{{ nope.output }}" }',
    ].join('\n');
    const result = parseWorkflow(source);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.errors;
    const byStep = problemsByStep(source, issues);
    expect(Object.keys(byStep).sort()).toEqual(['b', 'left']);
    expect(issues.find((i) => i.path.startsWith('steps[1]'))?.line).toBe(6);
  });
});

describe('the workflow panel: triggers, description and output', () => {
  const seed = fileURLToPath(new URL('../../../examples/competitor-analysis.yaml', import.meta.url));

  it('builds the seed’s competitor-analysis from edits alone, to the same definition as its YAML', () => {
    const steps: [string, string, string][] = [
      ['research', 'research@', 'Research competitors for: {{user_input}}'],
      ['summarize', 'summarize@', 'Summarize this research: {{research.output}}'],
      ['draft', 'write-report@', 'Create a competitive analysis report based on:\n{{summarize.output}}\n'],
      ['review', 'proofread@', 'Review and polish: {{draft.output}}'],
    ];
    let definition = newDefinition('competitor-analysis', steps[0][1]);
    for (const [index, [id, agent, input]] of steps.entries()) {
      definition = index === 0 ? renameStep(definition, 'step1', id) : addStep(definition, agent, id);
      definition = updateStep(definition, id, { input });
    }
    definition = addTrigger(definition, { type: 'email', address: 'competitor-intel@' });
    definition = updateWorkflow(definition, { output: { format: 'email', template: '{{review.output}}' } });
    const yaml = definitionToYaml(definition);
    expect(yaml).toContain('trigger: email to competitor-intel@');
    expect(yaml).toContain('output: "{{review.output}}"');
    expect(parsed(yaml)).toEqual(parsed(readFileSync(seed, 'utf8')));
  });

  it('adds triggers once each, removes them by place, and drops an emptied description', () => {
    let definition = newDefinition('flow', 'echo@');
    const hook = { type: 'webhook', path: '/flow' } as const;
    const daily = { type: 'schedule', cron: '0 8 * * *', timezone: 'UTC' } as const;
    definition = addTrigger(addTrigger(addTrigger(definition, hook), daily), hook);
    expect(definition.triggers).toEqual([hook, daily]);
    expect(definitionToYaml(definition)).toMatch(/triggers:\n {2}- webhook \/flow\n {2}- type: schedule/);
    definition = removeTrigger(definition, 0);
    expect(parsed(definitionToYaml(definition)).triggers).toEqual([daily]);
    definition = updateWorkflow(definition, { description: 'Says hello.' });
    expect(definitionToYaml(definition)).toContain('description: Says hello.');
    definition = updateWorkflow(definition, { description: '  ' });
    expect(definitionToYaml(definition)).not.toContain('description');
  });
});
