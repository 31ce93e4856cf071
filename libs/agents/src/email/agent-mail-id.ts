/**
 * The Message-ID of an email agent's mail names the step attempt it asks for:
 * `<runId.stepId.visit.attempt@mail-domain>` (a foreach item's `[3]` as `~3`). A reply's
 * `In-Reply-To`/`References` carries it back, so ingress finds the waiting step without any
 * table; the domain must be Chainmail's own (`CHAINMAIL_MAIL_DOMAIN`).
 */
export interface AgentMailKey {
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
}

/** Run ids are NATS subject tokens without dots; these are the characters one may carry here. */
const RUN_ID = /^[A-Za-z0-9_-]{1,200}$/;
const STEP_TOKEN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}(?:~\d{1,6})?$/;
const COUNT = /^[1-9]\d{0,5}$/;

export function agentMailId(key: AgentMailKey, domain: string): string {
  const step = key.stepId.replace(/\[(\d+)\]$/, '~$1');
  if (!RUN_ID.test(key.runId) || !STEP_TOKEN.test(step)) {
    throw new Error(`run ${key.runId} step ${key.stepId} cannot be named in a Message-ID`);
  }
  return `<${key.runId}.${step}.${key.visit}.${key.attempt}@${domain.toLowerCase()}>`;
}

/** The step attempt a Message-ID names, when it is an agent mail of this domain; else undefined. */
export function parseAgentMailId(messageId: string, domain: string): AgentMailKey | undefined {
  const id = messageId.trim().replace(/^<|>$/g, '');
  const at = id.lastIndexOf('@');
  if (at < 0 || id.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  const parts = id.slice(0, at).split('.');
  if (parts.length !== 4) return undefined;
  const [runId, step, visit, attempt] = parts as [string, string, string, string];
  if (!RUN_ID.test(runId) || !STEP_TOKEN.test(step) || !COUNT.test(visit) || !COUNT.test(attempt))
    return undefined;
  return {
    runId,
    stepId: step.replace(/~(\d+)$/, '[$1]'),
    visit: Number(visit),
    attempt: Number(attempt),
  };
}

/**
 * The agent mail a reply answers: `In-Reply-To` first, then `References` from the newest. Other
 * ids in the thread (the user's own mails, notifications) are passed over.
 */
export function findAgentMail(
  reply: { inReplyTo?: string; references?: readonly string[] },
  domain: string,
): { key: AgentMailKey; messageId: string } | undefined {
  return findInThread(reply, (id) => parseAgentMailId(id, domain));
}

/**
 * The checkpoint mail (one visit of a checkpoint step, sent to its approvers) is named
 * `<runId.stepId.visit.approval@mail-domain>`: a reply carries it back in `In-Reply-To`/`References`.
 */
export interface CheckpointMailKey {
  runId: string;
  stepId: string;
  visit: number;
}

const CHECKPOINT_MARK = 'approval';

export function checkpointMailId(key: CheckpointMailKey, domain: string): string {
  const step = key.stepId.replace(/\[(\d+)\]$/, '~$1');
  if (!RUN_ID.test(key.runId) || !STEP_TOKEN.test(step)) {
    throw new Error(`run ${key.runId} step ${key.stepId} cannot be named in a Message-ID`);
  }
  return `<${key.runId}.${step}.${key.visit}.${CHECKPOINT_MARK}@${domain.toLowerCase()}>`;
}

/** The checkpoint visit a Message-ID names, when it is a checkpoint mail of this domain; else undefined. */
export function parseCheckpointMailId(messageId: string, domain: string): CheckpointMailKey | undefined {
  const id = messageId.trim().replace(/^<|>$/g, '');
  const at = id.lastIndexOf('@');
  if (at < 0 || id.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  const parts = id.slice(0, at).split('.');
  if (parts.length !== 4) return undefined;
  const [runId, step, visit, mark] = parts as [string, string, string, string];
  if (mark !== CHECKPOINT_MARK || !RUN_ID.test(runId) || !STEP_TOKEN.test(step) || !COUNT.test(visit))
    return undefined;
  return { runId, stepId: step.replace(/~(\d+)$/, '[$1]'), visit: Number(visit) };
}

/** The checkpoint mail a reply answers: `In-Reply-To` first, then `References` from the newest. */
export function findCheckpointMail(
  reply: { inReplyTo?: string; references?: readonly string[] },
  domain: string,
): { key: CheckpointMailKey; messageId: string } | undefined {
  return findInThread(reply, (id) => parseCheckpointMailId(id, domain));
}

/** The first id of the thread (`In-Reply-To`, then `References` from the newest) that `parse` names. */
function findInThread<K>(
  reply: { inReplyTo?: string; references?: readonly string[] },
  parse: (messageId: string) => K | undefined,
): { key: K; messageId: string } | undefined {
  const candidates = [
    ...(reply.inReplyTo ? splitIds(reply.inReplyTo) : []),
    ...[...(reply.references ?? [])].flatMap(splitIds).reverse(),
  ];
  for (const messageId of candidates) {
    const key = parse(messageId);
    if (key) return { key, messageId: `<${messageId.replace(/^<|>$/g, '')}>` };
  }
  return undefined;
}

/** A header may hold several ids (`<a@x> <b@y>`). */
function splitIds(value: string): string[] {
  const ids = value.match(/<[^<>\s]+>/g);
  return ids ?? (value.trim() === '' ? [] : [value.trim()]);
}
