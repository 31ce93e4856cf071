import { MailUnreadable, parseMail, type InboundMail } from './inbound-mail';

export type ReadMailOutcome = { ok: true; mail: InboundMail } | { ok: false; reason: string };

/** parseMail as a task for a worker thread: errors come back as values (classes do not cross threads). */
export async function readMailTask(raw: Uint8Array): Promise<ReadMailOutcome> {
  try {
    const mail = await parseMail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    return { ok: true, mail };
  } catch (err) {
    if (err instanceof MailUnreadable) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The job for `WorkerPool.run` (libs/platform): this compiled module, or inline under ts. */
export const readMailJob = {
  filename: __filename,
  name: 'readMailTask',
  inline: readMailTask,
  what: 'reading the mail',
};
