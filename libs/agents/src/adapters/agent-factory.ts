import { type Agent, AgentError, type AgentResult } from '../agent';
import type { AgentBinding } from '../bindings/agent-binding';
import type { AgentRuntime } from './agent-runtime';
import { emailAgent, validateEmailConfig, type EmailAgentConfig } from './email';
import { httpAgent, validateHttpConfig, type HttpAgentConfig } from './http';
import { openAiAgent, validateOpenAiConfig, type OpenAiConfig } from './openai';
import { validateWorkflowAgentConfig, workflowAgent, type WorkflowAgentConfig } from './workflow-agent';

export type AgentFactory = (binding: AgentBinding) => Agent;

/**
 * Builds the agent of a registered entry with its kind's adapter. The registry validated the
 * entry when it was registered; an entry this version cannot run (a kind added later, a config
 * rule tightened since) still resolves, to an agent that fails every call saying why.
 */
export function agentFactory(runtime: AgentRuntime): AgentFactory {
  return (binding) => {
    switch (binding.kind) {
      case 'openai': {
        const { config, issues } = validateOpenAiConfig(binding.config);
        return issues.length > 0
          ? unusable(binding, issues.map((i) => `${i.field} ${i.message}`).join('; '))
          : openAiAgent(binding.address, binding.description, config as OpenAiConfig, runtime);
      }
      case 'http': {
        const { config, issues } = validateHttpConfig(binding.config);
        return issues.length > 0
          ? unusable(binding, issues.map((i) => `${i.field} ${i.message}`).join('; '))
          : httpAgent(binding.address, binding.description, config as HttpAgentConfig, runtime);
      }
      case 'email': {
        const { config, issues } = validateEmailConfig(binding.config);
        return issues.length > 0
          ? unusable(binding, issues.map((i) => `${i.field} ${i.message}`).join('; '))
          : emailAgent(binding.address, binding.description, config as EmailAgentConfig);
      }
      case 'workflow': {
        const { config, issues } = validateWorkflowAgentConfig(binding.config);
        return issues.length > 0
          ? unusable(binding, issues.map((i) => `${i.field} ${i.message}`).join('; '))
          : workflowAgent(binding.address, binding.description, config as WorkflowAgentConfig);
      }
      default:
        return unusable(binding, `this version of Chainmail cannot run ${binding.kind} agents yet`);
    }
  };
}

function unusable(binding: AgentBinding, why: string): Agent {
  return {
    address: binding.address,
    kind: binding.kind,
    description: binding.description,
    config: binding.config,
    invoke(): Promise<AgentResult> {
      return Promise.reject(
        new AgentError('AGENT_FAILED', `${binding.address} is registered but cannot be used: ${why}`, false),
      );
    },
  };
}
