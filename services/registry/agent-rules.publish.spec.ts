import { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { AgentDirectory, builtinAgents } from '@chainmail/agents';
import { PublishWithAgentRules } from './agent-rules.publish';
import { InMemoryRegistryLog } from './agent-directory.fixture';
import { PutAgent } from './put-agent.usecase';

const SOURCE = `name: competitor-analysis
steps:
  - id: research
    agent: analyst@
    input: "x"
  - id: again
    agent: analyst@
    input: "y"
  - id: summarize
    agent: summarize@
    input: "{{research.output}}"
`;

describe('PublishWithAgentRules', () => {
  async function setup() {
    const log = new InMemoryRegistryLog();
    const directory = new AgentDirectory(builtinAgents(), {
      bindings: log.agents as AgentCatalog,
      build: () => {
        throw new Error('not called');
      },
    });
    const publish = new PublishWithAgentRules(
      log.definitions as DefinitionCatalog,
      log.definitionLog,
      (a) => directory.has(a),
      1_000_000,
      (address, workflow) =>
        directory.allows(address, workflow) ? undefined : `agent "${address}" is reserved`,
    );
    return { log, directory, publish, put: new PutAgent(log.agents, log.agentLog) };
  }

  it('knows an agent the moment it is registered, and not before', async () => {
    const { publish, put } = await setup();
    const before = await publish.validate({ source: SOURCE, contentType: 'yaml' });
    expect(before.ok ? [] : before.errors.map((e) => [e.code, e.line, e.column])).toEqual([
      ['UNKNOWN_AGENT', 4, 12],
      ['UNKNOWN_AGENT', 7, 12],
    ]);
    await put.execute({
      address: 'analyst@',
      body: { kind: 'http', config: { url: 'https://a.example' } },
      by: 'api',
      owner: 'o',
    });
    expect((await publish.validate({ source: SOURCE, contentType: 'yaml' })).ok).toBe(true);
  });

  it('refuses, at each use, an agent whose entry allows only other workflows', async () => {
    const { publish, put } = await setup();
    await put.execute({
      address: 'analyst@',
      body: { kind: 'http', config: { url: 'https://a.example' }, allowedWorkflows: ['finance'] },
      by: 'api',
      owner: 'o',
    });
    const result = await publish.validate({ source: SOURCE, contentType: 'yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.message, e.line, e.column])).toEqual([
      ['UNKNOWN_AGENT', 'agent "analyst@" is reserved', 4, 12],
      ['UNKNOWN_AGENT', 'agent "analyst@" is reserved', 7, 12],
    ]);
    expect(result.errors[0]?.hint).toContain('allow this workflow');
    await put.execute({
      address: 'analyst@',
      body: {
        kind: 'http',
        config: { url: 'https://a.example' },
        allowedWorkflows: ['competitor-analysis', 'finance'],
      },
      by: 'api',
      owner: 'o',
    });
    expect((await publish.validate({ source: SOURCE, contentType: 'yaml' })).ok).toBe(true);
  });
});
