import { parseWorkflow, type ParseResult } from './parse-workflow';

export interface ParseDefinitionTask {
  source: string;
  contentType?: 'yaml' | 'json';
  maxBytes?: number;
  /** Agent addresses to report as UNKNOWN_AGENT (the directory lives in the calling thread). */
  unknownAgents?: readonly string[];
}

export interface ParsedDefinition {
  result: ParseResult;
  /** Every agent address the definition names, valid or not, for the caller to look up. */
  agents: string[];
}

/**
 * parseWorkflow as a task for a worker thread (the registry's): plain data in and out. The directory of known
 * agents cannot cross threads, so the caller asks with the addresses it already knows to be
 * unknown (none at first), and asks again only when `agents` names one.
 */
export function parseDefinition(task: ParseDefinitionTask): ParsedDefinition {
  const unknown = new Set(task.unknownAgents ?? []);
  const agents = new Set<string>();
  const result = parseWorkflow(task.source, {
    contentType: task.contentType,
    maxBytes: task.maxBytes,
    knownAgents: (address) => {
      agents.add(address);
      return !unknown.has(address);
    },
  });
  return { result, agents: [...agents] };
}
