import { AgentDirectory } from './agent-directory';
import { builtinAgents } from './builtin/builtin-agents';

/** A directory holding the builtin agents; the registry adds and rebinds agents on top. */
export function createDefaultDirectory(): AgentDirectory {
  return new AgentDirectory(builtinAgents());
}
