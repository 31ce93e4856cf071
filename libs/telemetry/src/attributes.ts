import type { Attributes, Span } from '@opentelemetry/api';

/**
 * Span attribute names Chainmail adds to its spans. One place, so the services that write them
 * and the tests (or Jaeger searches) that read them agree.
 */
export const CHAINMAIL_SERVICE = 'chainmail.service';
export const CHAINMAIL_RUN_ID = 'chainmail.run_id';
export const CHAINMAIL_WORKFLOW = 'chainmail.workflow';
export const CHAINMAIL_STEP_ID = 'chainmail.step_id';
export const CHAINMAIL_AGENT = 'chainmail.agent';

/** Which run (and step, and agent call) a span belongs to; fields left out are not written. */
export interface RunIdentity {
  readonly runId?: string;
  readonly workflow?: string;
  readonly stepId?: string;
  readonly agent?: string;
}

/** The run's identity as span attributes, for `withSpan(..., { attributes: runAttributes(...) })`. */
export function runAttributes(identity: RunIdentity): Attributes {
  const attributes: Attributes = {};
  if (identity.runId !== undefined) attributes[CHAINMAIL_RUN_ID] = identity.runId;
  if (identity.workflow !== undefined) attributes[CHAINMAIL_WORKFLOW] = identity.workflow;
  if (identity.stepId !== undefined) attributes[CHAINMAIL_STEP_ID] = identity.stepId;
  if (identity.agent !== undefined) attributes[CHAINMAIL_AGENT] = identity.agent;
  return attributes;
}

/** Adds the run's identity to a span already started (e.g. once the run id is known). */
export function setRunIdentity<S extends Span>(span: S, identity: RunIdentity): S {
  span.setAttributes(runAttributes(identity));
  return span;
}
