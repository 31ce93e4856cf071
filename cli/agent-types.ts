import { isRecord, str, num, UnexpectedResponse } from './api-types';

/** An entry of `GET /v1/agents`. */
export interface AgentView {
  address: string;
  kind: string;
  source: string;
  description: string;
  overridesBuiltin?: boolean;
  concurrency?: number;
  allowedWorkflows?: string[];
}

/** The answer to PUT and DELETE `/v1/agents/:address`. */
export interface AgentChangeView {
  outcome: string;
  address: string;
  /** After a DELETE: what answers at the address now (the builtin), if anything. */
  now?: AgentView;
}

export function parseAgent(value: unknown): AgentView {
  if (!isRecord(value)) throw new UnexpectedResponse('an agent is not an object');
  const address = str(value.address);
  const kind = str(value.kind);
  if (address === undefined || kind === undefined)
    throw new UnexpectedResponse('an agent has no address or kind');
  const view: AgentView = {
    address,
    kind,
    source: str(value.source) ?? '',
    description: str(value.description) ?? '',
  };
  if (value.overridesBuiltin === true) view.overridesBuiltin = true;
  const concurrency = num(value.concurrency);
  if (concurrency !== undefined) view.concurrency = concurrency;
  if (Array.isArray(value.allowedWorkflows))
    view.allowedWorkflows = value.allowedWorkflows.filter((w): w is string => typeof w === 'string');
  return view;
}

export function parseAgents(body: unknown): AgentView[] {
  if (!isRecord(body) || !Array.isArray(body.agents))
    throw new UnexpectedResponse('expected {"agents": [...]}');
  return body.agents.map(parseAgent);
}

export function parseAgentChange(body: unknown): AgentChangeView {
  if (!isRecord(body)) throw new UnexpectedResponse('expected an object');
  const agent = isRecord(body.agent) ? parseAgent(body.agent) : undefined;
  const address = str(body.address) ?? agent?.address;
  const outcome = str(body.outcome);
  if (address === undefined || outcome === undefined)
    throw new UnexpectedResponse('expected {outcome, address}');
  const change: AgentChangeView = { outcome, address };
  if (isRecord(body.now)) change.now = parseAgent(body.now);
  return change;
}
