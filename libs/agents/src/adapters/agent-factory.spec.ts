import type { AgentBinding } from '../bindings/agent-binding';
import { agentCall } from '../agent-call.fixture';
import { agentFactory } from './agent-factory';
import { agentRuntime } from './agent-runtime';

const binding = (kind: AgentBinding['kind'], config: Record<string, unknown>): AgentBinding => ({
  address: 'research@',
  kind,
  description: 'd',
  config,
  owner: 'team',
  by: 'api',
  registeredAt: '2026-01-01T00:00:00.000Z',
  seq: 1,
});

describe('agentFactory', () => {
  const build = agentFactory(agentRuntime());

  it('builds email and workflow agents that are never called directly, saying what happens instead', async () => {
    const email = build(binding('email', { to: 'research@mail-to-ai.com' }));
    expect(email).toMatchObject({ kind: 'email', config: { to: 'research@mail-to-ai.com' } });
    await expect(email.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: expect.stringContaining('mailed to research@mail-to-ai.com'),
    });
    const workflow = build(binding('workflow', { workflow: 'summarize-pipeline' }));
    expect(workflow).toMatchObject({ kind: 'workflow', config: { workflow: 'summarize-pipeline' } });
    await expect(workflow.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
    });
  });

  it('builds an entry this version cannot run into an agent that fails saying why', async () => {
    const broken = build(binding('email', { to: 'not a mailbox' }));
    await expect(broken.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      message: expect.stringContaining('config.to must be one mailbox'),
    });
  });
});
