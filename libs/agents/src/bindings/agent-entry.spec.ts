import { validateAgentEntry } from './agent-entry';
import { maskConfig } from './mask-config';

const openai = {
  kind: 'openai',
  config: {
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    apiKey: '{{secrets.OPENAI_API_KEY}}',
  },
};

describe('validateAgentEntry', () => {
  it('normalizes the address and describes the entry when no description is given', () => {
    expect(validateAgentEntry('Research@', openai)).toEqual({
      ok: true,
      entry: {
        address: 'research@',
        kind: 'openai',
        description: 'Model gpt-4o-mini at https://api.openai.com/v1 (OpenAI-compatible chat completions)',
        config: openai.config,
      },
    });
  });

  it('keeps a description, the allowed workflows (sorted, once each) and the concurrency', () => {
    const result = validateAgentEntry('research@mail-to-ai.com', {
      ...openai,
      address: 'RESEARCH@mail-to-ai.com',
      description: ' Our research model ',
      allowedWorkflows: ['b-flow', 'a-flow', 'b-flow'],
      concurrency: 4,
    });
    expect(result).toMatchObject({
      ok: true,
      entry: {
        address: 'research@mail-to-ai.com',
        description: 'Our research model',
        allowedWorkflows: ['a-flow', 'b-flow'],
        concurrency: 4,
      },
    });
  });

  it('reports every field that is wrong, by path', () => {
    const result = validateAgentEntry('research@', {
      kind: 'openai',
      config: { baseUrl: 'not a url', model: 7 },
      allowedWorkflows: ['ok', 'Not A Name'],
      concurrency: 0,
      descripton: 'typo',
      address: 'other@',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.field)).toEqual([
      'descripton',
      'address',
      'config.baseUrl',
      'config.model',
      'allowedWorkflows[1]',
      'concurrency',
    ]);
    expect(result.issues[0]?.message).toContain('did you mean description?');
  });

  it.each([
    [{ config: {} }, 'kind', 'is required'],
    [{ kind: 'email', config: {} }, 'config.to', 'is required'],
    [{ kind: 'email', config: { to: 'Research <r@x.example>' } }, 'config.to', 'must be one mailbox'],
    [{ kind: 'email', config: { to: 'r@x.example', subject: 'a\nb' } }, 'config.subject', 'one line'],
    [{ kind: 'email', config: { to: 'r@x.example', from: 'me' } }, 'config.from', 'must be a mailbox'],
    [{ kind: 'workflow', config: {} }, 'config.workflow', 'is required'],
    [{ kind: 'workflow', config: { workflow: 'Bad Name' } }, 'config.workflow', 'not a workflow name'],
    [{ kind: 'builtin', config: {} }, 'kind', 'cannot be registered'],
    [{ kind: 'grpc', config: {} }, 'kind', 'unknown kind "grpc"'],
    [{ kind: 'http' }, 'config', 'is required'],
    [
      { kind: 'http', config: { url: 'https://x.example' }, allowedWorkflows: [] },
      'allowedWorkflows',
      'non-empty',
    ],
  ])('refuses %j at %s', (body, field, message) => {
    const result = validateAgentEntry('a@', body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('registers a mailbox as an email agent and a workflow as a workflow agent', () => {
    expect(
      validateAgentEntry('research@', {
        kind: 'email',
        config: {
          to: ' Research@Mail-To-AI.com ',
          subject: 'Research request',
          from: 'Desk <desk@acme.example>',
        },
      }),
    ).toEqual({
      ok: true,
      entry: {
        address: 'research@',
        kind: 'email',
        description: 'Mailbox research@mail-to-ai.com: the input is mailed there and the reply is the output',
        config: {
          to: 'research@mail-to-ai.com',
          subject: 'Research request',
          from: 'Desk <desk@acme.example>',
        },
      },
    });
    expect(
      validateAgentEntry('summarize@', { kind: 'workflow', config: { workflow: 'summarize-pipeline' } }),
    ).toEqual({
      ok: true,
      entry: {
        address: 'summarize@',
        kind: 'workflow',
        description: 'Workflow summarize-pipeline, run as a sub-workflow',
        config: { workflow: 'summarize-pipeline' },
      },
    });
  });

  it('refuses a body that is not an object, and an address that is not one', () => {
    expect(validateAgentEntry('a@', 'text')).toMatchObject({ ok: false, issues: [{ field: '' }] });
    expect(
      validateAgentEntry('not an address', { kind: 'http', config: { url: 'https://x.example' } }),
    ).toMatchObject({ ok: false, issues: [{ field: 'address' }] });
  });
});

describe('maskConfig', () => {
  it('keeps secret references and ordinary values, masks literal credentials at any depth', () => {
    expect(
      maskConfig({
        baseUrl: 'https://x.example',
        apiKey: '{{secrets.K}}',
        secret: 'literal',
        headers: { Authorization: 'Bearer {{ secrets.T }}', 'X-Api-Key': 'abc', 'X-Team': 'r' },
        maxTokens: 5,
      }),
    ).toEqual({
      baseUrl: 'https://x.example',
      apiKey: '{{secrets.K}}',
      secret: '***',
      headers: { Authorization: 'Bearer {{ secrets.T }}', 'X-Api-Key': '***', 'X-Team': 'r' },
      maxTokens: 5,
    });
  });
});
