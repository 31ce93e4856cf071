import { WorkerTimeout, type WorkerPool } from '@chainmail/platform';
import { MailUnreadable, readMail, type InboundMail } from './inbound-mail';
import { readMailJob } from './read-mail.worker';

/**
 * Reads inbound mail off the event loop: MIME parsing of a 25 MB message is CPU work that would
 * hold every other request. On the worker pool when there is one (its time budget stops a
 * message that takes too long), else inline with a timeout.
 */
export class MailReader {
  constructor(
    private readonly timeoutMs: number,
    private readonly pool?: WorkerPool,
  ) {}

  async read(raw: Buffer): Promise<InboundMail> {
    if (this.pool === undefined) return readMail(raw, this.timeoutMs);
    let outcome;
    try {
      outcome = await this.pool.run(readMailJob, raw);
    } catch (err) {
      if (err instanceof WorkerTimeout) throw new MailUnreadable(`parsing took too long and was stopped`);
      throw err;
    }
    if (!outcome.ok) throw new MailUnreadable(outcome.reason);
    return outcome.mail;
  }
}
