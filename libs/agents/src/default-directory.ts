import { agentFactory } from './adapters/agent-factory';
import type { AgentRuntime } from './adapters/agent-runtime';
import { AgentDirectory } from './agent-directory';
import type { AgentBindingSource } from './bindings/agent-binding';
import { builtinAgents } from './builtin/builtin-agents';

/** A directory holding the builtin agents only (tests, the offline default). */
export function createDefaultDirectory(): AgentDirectory {
  return new AgentDirectory(builtinAgents());
}

/**
 * The directory of a running process: registered entries from the live agent catalog, built
 * with the adapter of their kind, before the builtins.
 */
export function createAgentDirectory(bindings: AgentBindingSource, runtime: AgentRuntime): AgentDirectory {
  return new AgentDirectory(builtinAgents(), { bindings, build: agentFactory(runtime) });
}
