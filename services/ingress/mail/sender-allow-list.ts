/**
 * Who may start a workflow by mail. Patterns: an exact address (`jane@acme.example`), a domain
 * (`*@acme.example`, or the shorthands `@acme.example` and `acme.example`), globs with `*`
 * (`*@*.acme.example`), or `*` for anyone. Matching ignores case. It checks the address a mail
 * claims, which SMTP does not authenticate: an allow-list keeps strangers out, it is not proof.
 */
export class SenderAllowList {
  private constructor(
    private readonly patterns: readonly RegExp[] | 'anyone',
    readonly source: readonly string[],
  ) {}

  static anyone(): SenderAllowList {
    return new SenderAllowList('anyone', ['*']);
  }

  static of(patterns: readonly string[]): SenderAllowList {
    const cleaned = patterns.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
    if (cleaned.includes('*')) return SenderAllowList.anyone();
    return new SenderAllowList(cleaned.map(toRegExp), cleaned);
  }

  /** A trigger's own `allow` wins; without one, the configured default (empty: anyone). */
  static forTrigger(allow: readonly string[] | undefined, defaults: SenderAllowList): SenderAllowList {
    return allow === undefined ? defaults : SenderAllowList.of(allow);
  }

  /** `CHAINMAIL_MAIL_ALLOW`: a comma list; empty means anyone. */
  static fromConfig(commaList: string): SenderAllowList {
    const patterns = commaList.split(',').filter((p) => p.trim() !== '');
    return patterns.length === 0 ? SenderAllowList.anyone() : SenderAllowList.of(patterns);
  }

  get allowsAnyone(): boolean {
    return this.patterns === 'anyone';
  }

  allows(sender: string): boolean {
    if (this.patterns === 'anyone') return true;
    const address = sender.trim().toLowerCase();
    if (address === '') return false;
    return this.patterns.some((p) => p.test(address));
  }
}

function toRegExp(pattern: string): RegExp {
  let glob = pattern;
  if (glob.startsWith('@')) glob = `*${glob}`;
  else if (!glob.includes('@')) glob = `*@${glob}`;
  // `*` stays within one side of the `@`, so `*@acme.example` cannot match `x@evil@acme.example`.
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^@]*');
  return new RegExp(`^${body}$`);
}
