import type { DefinitionCatalog } from '@chainmail/catalog';
import type { RunMode, Trigger } from '@chainmail/contracts';

type EmailTrigger = Extract<Trigger, { type: 'email' }>;
type WebhookTrigger = Extract<Trigger, { type: 'webhook' }>;

export interface EmailBinding {
  workflow: string;
  /** As written in the trigger: `competitor-intel@` (any domain) or `name@domain`. */
  address: string;
  /** The trigger's sender patterns; undefined: the configured default applies. */
  allow?: string[];
}

export interface WebhookBinding {
  workflow: string;
  path: string;
  /** The trigger's `secret` as written: a literal or `{{secrets.NAME}}`. */
  secret?: string;
  mode: RunMode;
}

/** What the bindings read: the live catalog (a narrow view, so tests can hand in a stand-in). */
export type BindingCatalog = Pick<DefinitionCatalog, 'appliedSeq' | 'list' | 'active'>;

interface Index {
  seq: number;
  /** Lower-cased local part → bindings with that local part (domain-less ones match any domain). */
  email: Map<string, { domain?: string; binding: EmailBinding }[]>;
  webhook: Map<string, WebhookBinding[]>;
}

/**
 * Which workflow an inbound address or webhook path starts: the triggers of every workflow's
 * active version. Rebuilt only when the catalog has folded a new definition event, so a lookup
 * on the hot path is a map read.
 */
export class TriggerBindings {
  private index: Index = { seq: -1, email: new Map(), webhook: new Map() };

  constructor(private readonly catalog: BindingCatalog) {}

  /** The email bindings a recipient matches: `name@` binds `name@<any domain>`, `name@d` only itself. */
  emailFor(recipient: string): EmailBinding[] {
    const parsed = splitAddress(recipient);
    if (parsed === undefined) return [];
    const candidates = this.current().email.get(parsed.local) ?? [];
    return candidates
      .filter((c) => c.domain === undefined || c.domain === parsed.domain)
      .map((c) => c.binding);
  }

  webhookFor(path: string): WebhookBinding[] {
    return this.current().webhook.get(normalizePath(path)) ?? [];
  }

  /** Every bound email binding (for "which senders could this be for", and listings). */
  emailBindings(): EmailBinding[] {
    return [...this.current().email.values()].flat().map((c) => c.binding);
  }

  private current(): Index {
    if (this.index.seq !== this.catalog.appliedSeq) this.index = this.build();
    return this.index;
  }

  private build(): Index {
    const index: Index = { seq: this.catalog.appliedSeq, email: new Map(), webhook: new Map() };
    for (const entry of this.catalog.list()) {
      const active = this.catalog.active(entry.name);
      if (!active) continue;
      for (const trigger of active.definition.triggers) {
        if (trigger.type === 'email') addEmail(index, entry.name, trigger);
        if (trigger.type === 'webhook') addWebhook(index, entry.name, trigger, active.definition.mode);
      }
    }
    return index;
  }
}

function addEmail(index: Index, workflow: string, trigger: EmailTrigger): void {
  const parsed = splitAddress(trigger.address);
  if (parsed === undefined) return;
  const list = index.email.get(parsed.local) ?? [];
  list.push({
    domain: parsed.domain === '' ? undefined : parsed.domain,
    binding: { workflow, address: trigger.address, allow: trigger.allow },
  });
  index.email.set(parsed.local, list);
}

function addWebhook(index: Index, workflow: string, trigger: WebhookTrigger, mode: RunMode): void {
  const path = normalizePath(trigger.path);
  const list = index.webhook.get(path) ?? [];
  list.push({ workflow, path, secret: trigger.secret, mode });
  index.webhook.set(path, list);
}

/** `Local@Domain` → lower-cased parts; the domain is '' for `name@`. Undefined when there is no `@`. */
export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  return {
    local: address.slice(0, at).trim().toLowerCase(),
    domain: address
      .slice(at + 1)
      .trim()
      .toLowerCase(),
  };
}

export function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
