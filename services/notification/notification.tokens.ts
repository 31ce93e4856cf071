/** What the notification service sends through: swapped only by tests that need to. */
export const MAIL_SENDER = Symbol('MAIL_SENDER');
export const WEBHOOK_POSTER = Symbol('WEBHOOK_POSTER');
