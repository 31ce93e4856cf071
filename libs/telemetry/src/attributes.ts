import type { Attributes, Span } from '@opentelemetry/api';

/**
 * Span attribute names Chainmail adds to its spans. One place, so the services that write them
 * and the tests (or Jaeger searches: `chainmail.run.id=…`) that read them agree.
 */
export const CHAINMAIL_WORKFLOW = 'chainmail.workflow';
export const CHAINMAIL_WORKFLOW_VERSION = 'chainmail.workflow.version';
export const CHAINMAIL_RUN_ID = 'chainmail.run.id';
export const CHAINMAIL_STEP_ID = 'chainmail.step.id';
export const CHAINMAIL_AGENT = 'chainmail.agent';
/** How the run was started: `email`, `webhook`, `schedule`, `api`, `cli`, `workflow`. */
export const CHAINMAIL_TRIGGER = 'chainmail.trigger';
/** How an ended run ended: `succeeded`, `failed`, `cancelled`, `timed_out`. */
export const CHAINMAIL_RUN_STATUS = 'chainmail.run.status';

/** Which run (and step, and agent call) a span belongs to; fields left out are not written. */
export interface RunIdentity {
  readonly runId?: string;
  readonly workflow?: string;
  readonly version?: number;
  readonly stepId?: string;
  readonly agent?: string;
  readonly trigger?: string;
}

/** The run's identity as span attributes, for `withSpan(..., { attributes: runAttributes(...) })`. */
export function runAttributes(identity: RunIdentity): Attributes {
  const attributes: Attributes = {};
  if (identity.runId !== undefined) attributes[CHAINMAIL_RUN_ID] = identity.runId;
  if (identity.workflow !== undefined) attributes[CHAINMAIL_WORKFLOW] = identity.workflow;
  if (identity.version !== undefined) attributes[CHAINMAIL_WORKFLOW_VERSION] = identity.version;
  if (identity.stepId !== undefined) attributes[CHAINMAIL_STEP_ID] = identity.stepId;
  if (identity.agent !== undefined) attributes[CHAINMAIL_AGENT] = identity.agent;
  if (identity.trigger !== undefined) attributes[CHAINMAIL_TRIGGER] = identity.trigger;
  return attributes;
}

/** Adds the run's identity to a span already started (e.g. once the run id is known). */
export function setRunIdentity<S extends Span>(span: S, identity: RunIdentity): S {
  span.setAttributes(runAttributes(identity));
  return span;
}
