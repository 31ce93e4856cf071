import { AgentError } from './agent';

/**
 * Agent addresses are mailbox-like: `research@` (local) or `research@mail-to-ai.com` (full).
 * Normalized means trimmed, lower-cased, without `mailto:` or angle brackets, and ending in `@`
 * when no domain is given (`Research` → `research@`).
 */
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._+-]*[a-z0-9])?$/;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

export interface ParsedAddress {
  /** The normalized address. */
  address: string;
  /** `local@`, the part a full address falls back to. */
  local: string;
  domain?: string;
}

/** Returns undefined for text that is not an agent address. */
export function parseAgentAddress(raw: string): ParsedAddress | undefined {
  let text = raw.trim().toLowerCase();
  if (text.startsWith('mailto:')) text = text.slice('mailto:'.length);
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  const at = text.indexOf('@');
  const localName = at < 0 ? text : text.slice(0, at);
  const domain = at < 0 ? '' : text.slice(at + 1);
  if (!LOCAL_PART.test(localName)) return undefined;
  if (domain !== '' && !DOMAIN.test(domain)) return undefined;
  const local = `${localName}@`;
  return domain === '' ? { address: local, local } : { address: `${local}${domain}`, local, domain };
}

export function normalizeAgentAddress(raw: string): string {
  const parsed = parseAgentAddress(raw);
  if (!parsed)
    throw new AgentError(
      'AGENT_BAD_ADDRESS',
      `"${raw}" is not an agent address (expected name@ or name@domain)`,
      false,
    );
  return parsed.address;
}
