import { Agent } from '../agent';
import { testAgents } from './test-agents';
import { textAgents } from './text-agents';

/** Every agent shipped with Chainmail: the default install runs workflows with no network. */
export function builtinAgents(): Agent[] {
  return [...textAgents(), ...testAgents()];
}
