/**
 * A notification that could not be handed over. `permanent`: trying again would fail the same
 * way (a 5xx SMTP reply, a 4xx HTTP status, no server configured); otherwise it is retried.
 */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}
