export { AgentError, abortError, idempotencyKeyOf } from './agent';
export type { Agent, AgentCall, AgentErrorCode, AgentKind, AgentResult } from './agent';
export { normalizeAgentAddress, parseAgentAddress } from './agent-address';
export type { ParsedAddress } from './agent-address';
export { AgentDirectory } from './agent-directory';
export type { AgentEntry, RegisteredAgents, ResolveContext } from './agent-directory';
export { builtinAgents } from './builtin/builtin-agents';
export { createAgentDirectory, createDefaultDirectory } from './default-directory';
export type { AgentBinding, AgentBindingSource } from './bindings/agent-binding';
export { REGISTRABLE_KINDS, validateAgentEntry } from './bindings/agent-entry';
export type { AgentEntrySpec, AgentEntryValidation } from './bindings/agent-entry';
export { maskConfig } from './bindings/mask-config';
export type { FieldIssue } from './adapters/config-fields';
export { agentFactory } from './adapters/agent-factory';
export type { AgentFactory } from './adapters/agent-factory';
export { agentRuntime, costUsd, priceFor } from './adapters/agent-runtime';
export type { AgentRuntime, ModelPrices } from './adapters/agent-runtime';
export { openAiAgent, validateOpenAiConfig } from './adapters/openai';
export type { OpenAiConfig } from './adapters/openai';
export { httpAgent, validateHttpConfig } from './adapters/http';
export type { HttpAgentConfig, HttpAgentRequest } from './adapters/http';
export { operatorOrigins, OutboundGuard, PUBLIC_ONLY } from './net/network-policy';
export type { NetworkPolicy } from './net/network-policy';
export { restrictedRange } from './net/ip-ranges';
export { retryAfterMs } from './net/retry-after';
export { maskSecrets, resolveSecrets, secretNamesIn, secretNamesInConfig } from './secrets/secret-refs';
export type { SecretValues } from './agent';
export { proofreadText } from './builtin/proofread';
export type { Correction, CorrectionKind, Proofread } from './builtin/proofread';
export { RESEARCH_STAND_IN_NOTICE, researchBrief } from './builtin/research';
export { summarizeText } from './builtin/summarize';
export type { SummaryOptions } from './builtin/summarize';
export { writeReport } from './builtin/report';
export { emailAgent, validateEmailConfig } from './adapters/email';
export type { EmailAgentConfig } from './adapters/email';
export { validateWorkflowAgentConfig, workflowAgent } from './adapters/workflow-agent';
export type { WorkflowAgentConfig } from './adapters/workflow-agent';
export {
  agentMailId,
  findAgentMail,
  parseAgentMailId,
  checkpointMailId,
  findCheckpointMail,
  parseCheckpointMailId,
} from './email/agent-mail-id';
export type { AgentMailKey, CheckpointMailKey } from './email/agent-mail-id';
export { stripReply } from './email/strip-reply';
