import { SenderAllowList } from './sender-allow-list';

describe('SenderAllowList', () => {
  it('matches exact addresses and whole domains, ignoring case', () => {
    const list = SenderAllowList.of(['jane@acme.example', '*@partner.example']);
    expect(list.allows('jane@acme.example')).toBe(true);
    expect(list.allows('JANE@Acme.Example')).toBe(true);
    expect(list.allows('john@acme.example')).toBe(false);
    expect(list.allows('anyone@partner.example')).toBe(true);
    expect(list.allows('anyone@partner.example.evil.test')).toBe(false);
    expect(list.allows('anyone@sub.partner.example')).toBe(false);
    expect(list.allows('')).toBe(false);
  });

  it('takes domain shorthands and subdomain globs', () => {
    expect(SenderAllowList.of(['@acme.example']).allows('a@acme.example')).toBe(true);
    expect(SenderAllowList.of(['acme.example']).allows('a@acme.example')).toBe(true);
    const sub = SenderAllowList.of(['*@*.acme.example']);
    expect(sub.allows('a@eu.acme.example')).toBe(true);
    expect(sub.allows('a@acme.example')).toBe(false);
  });

  it('does not let a glob or a dot reach across the @ or match any character', () => {
    const list = SenderAllowList.of(['*@acme.example']);
    expect(list.allows('x@evil@acme.example')).toBe(false);
    expect(list.allows('x@acmeXexample')).toBe(false);
  });

  it('uses the trigger list when there is one, else the configured default (empty: anyone)', () => {
    const defaults = SenderAllowList.fromConfig(' *@acme.example , boss@corp.example');
    expect(defaults.allows('boss@corp.example')).toBe(true);
    expect(defaults.allows('x@other.example')).toBe(false);
    expect(SenderAllowList.forTrigger(undefined, defaults)).toBe(defaults);
    expect(SenderAllowList.forTrigger(['x@other.example'], defaults).allows('x@other.example')).toBe(true);
    expect(SenderAllowList.forTrigger([], defaults).allows('boss@corp.example')).toBe(false);
    expect(SenderAllowList.fromConfig('').allowsAnyone).toBe(true);
    expect(SenderAllowList.fromConfig(' , ').allows('x@y.example')).toBe(true);
    expect(SenderAllowList.of(['*']).allowsAnyone).toBe(true);
  });
});
