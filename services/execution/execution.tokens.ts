/** Collaborators of the execution module that are not classes (or are built from configuration). */
export const AGENT_FACTS = Symbol('AGENT_FACTS');
export const OWNER_MEMBERSHIPS = Symbol('OWNER_MEMBERSHIPS');
export const AGENT_SLOTS = Symbol('AGENT_SLOTS');
export const AGENT_MAIL_TRANSPORT = Symbol('AGENT_MAIL_TRANSPORT');
export const AGENT_GATE = Symbol('AGENT_GATE');
export const STEP_INVOKER = Symbol('STEP_INVOKER');
export const EXECUTION_TRACER = Symbol('EXECUTION_TRACER');
export const EXECUTION_INSTANCE = Symbol('EXECUTION_INSTANCE');
