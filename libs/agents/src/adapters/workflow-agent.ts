import { type Agent, AgentError, type AgentResult } from '../agent';
import { ConfigFields, type FieldIssue } from './config-fields';

/** An address bound to a workflow: a team publishes `summarize@` as a pipeline of its own. */
export interface WorkflowAgentConfig {
  /** The workflow each call runs, as a sub-workflow run on its active version. */
  workflow: string;
}

const KEYS = ['workflow'];
const WORKFLOW_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;

export function validateWorkflowAgentConfig(config: Record<string, unknown>): {
  config: WorkflowAgentConfig;
  issues: FieldIssue[];
} {
  const fields = new ConfigFields(config, KEYS);
  const workflow = fields.string('workflow', { required: true, maxLength: 100 });
  if (workflow !== undefined && !WORKFLOW_NAME.test(workflow)) {
    fields.add(
      'workflow',
      `${JSON.stringify(workflow)} is not a workflow name (lower-case letters, digits and -)`,
    );
    delete fields.out.workflow;
  }
  return { config: fields.out as unknown as WorkflowAgentConfig, issues: fields.issues };
}

export function describeWorkflowAgent(config: WorkflowAgentConfig): string {
  return `Workflow ${config.workflow}, run as a sub-workflow`;
}

/** The directory's agent for a workflow entry. The engine starts the child run; `invoke` is never the way. */
export function workflowAgent(address: string, description: string, config: WorkflowAgentConfig): Agent {
  return {
    address,
    kind: 'workflow',
    description,
    config: { ...config },
    invoke(): Promise<AgentResult> {
      return Promise.reject(
        new AgentError(
          'AGENT_FAILED',
          `${address} runs workflow ${config.workflow} as a sub-workflow; the engine starts it, it is not called`,
          false,
        ),
      );
    },
  };
}
