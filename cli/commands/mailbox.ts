import type { Command } from 'commander';
import type { CliContext } from '../context';
import { parseCaughtMailDetail, parseMailbox } from '../mailbox-types';
import { formatAge, oneLine, table } from '../render';
import { positiveInt, type ActionRunner } from './options';

/** `mailbox [ID]`: what the local mail catcher caught (the mail Chainmail sent), or one mail whole. */
export function registerMailboxCommand(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('mailbox')
    .description(
      'mail Chainmail sent to the local mail catcher (chainmail up), newest first; with ID, that mail',
    )
    .argument('[id]', 'show this mail: headers and text')
    .option('--limit <n>', 'at most this many mails', positiveInt('--limit'), 20)
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, opts: { limit: number; json?: boolean }) =>
      run(() => (id === undefined ? list(ctx, opts) : show(ctx, id, opts.json === true))),
    );
}

async function list(ctx: CliContext, opts: { limit: number; json?: boolean }): Promise<number> {
  const body = await ctx.api().mailbox(opts.limit);
  const mailbox = parseMailbox(body);
  if (opts.json) {
    ctx.line(JSON.stringify(mailbox.mails));
    return 0;
  }
  if (mailbox.mails.length === 0) {
    ctx.line(
      mailbox.catcher
        ? 'No mail yet. Mail Chainmail sends (results, acknowledgements, failures) shows up here.'
        : 'No mail: the local mail catcher is off on this server (outbound mail goes to its SMTP server).',
    );
    return 0;
  }
  const now = ctx.io.now();
  const rows = mailbox.mails.map((m) => [
    String(m.id),
    formatAge(m.date ?? m.receivedAt, now),
    oneLine(m.to, 32),
    oneLine(m.subject || '(no subject)', 60),
  ]);
  ctx.io.out(table(['ID', 'SENT', 'TO', 'SUBJECT'], rows, ctx.palette));
  ctx.line(ctx.palette.paint('dim', `Read one with: chainmail mailbox ${mailbox.mails[0].id}`));
  return 0;
}

async function show(ctx: CliContext, id: string, json: boolean): Promise<number> {
  const body = await ctx.api().mailboxMail(id);
  if (json) {
    ctx.line(JSON.stringify(body));
    return 0;
  }
  const mail = parseCaughtMailDetail(body);
  const header = (name: string, value: string | undefined): void => {
    if (value) ctx.line(`${ctx.palette.paint('dim', `${name}:`)} ${value}`);
  };
  header('From', mail.from);
  header('To', mail.to);
  header('Subject', mail.subject);
  header('Date', mail.date);
  header('Message-ID', mail.messageId);
  header('In-Reply-To', mail.inReplyTo);
  header('References', mail.references.join(' '));
  ctx.line();
  ctx.line((mail.text ?? '(no text part)').replace(/\n$/, ''));
  return 0;
}
