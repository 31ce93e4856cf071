/**
 * Errors as values with codes. Services throw `ChainmailError`; the edge maps `status` to HTTP
 * once, in the format `{ error: { code, message, details } }`.
 */
export type ErrorCode =
  | 'WORKFLOW_INVALID'
  | 'WORKFLOW_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'AGENT_NOT_FOUND'
  | 'AGENT_INVALID'
  | 'INPUT_INVALID'
  | 'WEBHOOK_NOT_FOUND'
  | 'SIGNATURE_INVALID'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'APPEND_CONFLICT'
  | 'UNAVAILABLE'
  | 'CONFLICT'
  /** Well-formed, but not something that can be done to this object (a rewind to a step the run never reached). */
  | 'UNPROCESSABLE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'USER_NOT_FOUND'
  | 'TEAM_NOT_FOUND'
  | 'TOKEN_NOT_FOUND'
  | 'SECRET_NOT_FOUND'
  | 'VARIABLE_NOT_FOUND'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_PARAMS_INVALID'
  | 'LISTING_NOT_FOUND'
  | 'SCHEDULE_NOT_FOUND'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  WORKFLOW_INVALID: 422,
  WORKFLOW_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  AGENT_INVALID: 422,
  INPUT_INVALID: 400,
  WEBHOOK_NOT_FOUND: 404,
  SIGNATURE_INVALID: 401,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  APPEND_CONFLICT: 409,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  USER_NOT_FOUND: 404,
  TEAM_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  SECRET_NOT_FOUND: 404,
  VARIABLE_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  TEMPLATE_PARAMS_INVALID: 400,
  LISTING_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  INTERNAL: 500,
};

export class ChainmailError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = code;
  }

  get status(): number {
    return STATUS[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
