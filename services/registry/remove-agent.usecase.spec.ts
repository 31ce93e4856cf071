import { createDefaultDirectory } from '@chainmail/agents';
import { ChainmailError } from '@chainmail/contracts';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { InMemoryRegistryLog } from './agent-directory.fixture';
import { PutAgent } from './put-agent.usecase';
import { RemoveAgent } from './remove-agent.usecase';

const http = { kind: 'http', config: { url: 'https://agents.example/a' } };

async function setup() {
  const log = new InMemoryRegistryLog();
  const put = new PutAgent(log.agents, log.agentLog);
  const remove = new RemoveAgent(log.agents, log.definitions, createDefaultDirectory(), log.agentLog);
  const publish = async (source: string) => {
    const parsed = parseWorkflow(source);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await log.definitionLog.append(
      parsed.definition.name,
      {
        type: 'WorkflowPublished',
        v: 1,
        at: 'x',
        data: {
          name: parsed.definition.name,
          version: 1,
          source,
          definition: parsed.definition,
          publishedBy: 't',
          owner: 'o',
        },
      },
      0,
    );
  };
  return { log, put, remove, publish };
}

async function refusal(promise: Promise<unknown>): Promise<ChainmailError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ChainmailError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RemoveAgent', () => {
  it('appends AgentRemoved, after which the builtin of the address answers again', async () => {
    const { log, put, remove, publish } = await setup();
    await put.execute({ address: 'research@', body: http, by: 'api', owner: 'o' });
    // A workflow using research@ does not hold the removal up: the builtin answers it.
    await publish('name: w\nsteps:\n  - id: a\n    agent: research@\n');
    expect(await remove.execute({ address: 'RESEARCH@', by: 'api' })).toEqual({
      address: 'research@',
      outcome: 'removed',
      seq: 3,
    });
    expect(log.events.at(-1)).toMatchObject({
      type: 'AgentRemoved',
      data: { address: 'research@', by: 'api' },
    });
    expect(log.agents.get('research@')).toBeUndefined();
  });

  it('answers AGENT_NOT_FOUND for a builtin-only or unknown address', async () => {
    const { remove } = await setup();
    const builtin = await refusal(remove.execute({ address: 'summarize@', by: 'api' }));
    expect(builtin).toMatchObject({
      code: 'AGENT_NOT_FOUND',
      details: { address: 'summarize@', builtin: true },
    });
    expect(builtin.message).toContain('builtin');
    expect(await refusal(remove.execute({ address: 'ghost@', by: 'api' }))).toMatchObject({
      code: 'AGENT_NOT_FOUND',
    });
    expect(await refusal(remove.execute({ address: 'not an address', by: 'api' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('refuses while an active workflow would be left without the agent, unless forced', async () => {
    const { log, put, remove, publish } = await setup();
    await put.execute({ address: 'analyst@', body: http, by: 'api', owner: 'o' });
    await publish(
      'name: reports\nsteps:\n  - id: p\n    parallel:\n      - { id: a, agent: analyst@, input: x }\n      - { id: b, agent: echo@, input: y }\n',
    );
    const conflict = await refusal(remove.execute({ address: 'analyst@', by: 'api' }));
    expect(conflict).toMatchObject({
      code: 'CONFLICT',
      details: { address: 'analyst@', workflows: ['reports'] },
    });
    expect(conflict.status).toBe(409);
    await expect(remove.execute({ address: 'analyst@', by: 'api', force: true })).resolves.toMatchObject({
      outcome: 'removed',
    });
    expect(log.agents.get('analyst@')).toBeUndefined();
  });
});
