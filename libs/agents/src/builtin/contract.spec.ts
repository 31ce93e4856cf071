import { draftContract, emailSenderStandIn } from './contract';

describe('write-contract@', () => {
  it('drafts an agreement for the client named in the request, with blanks a person must fill', () => {
    const draft = draftContract('Draft contract for Acme Corp');
    expect(draft.split('\n')[0]).toBe('# Services Agreement — Acme Corp');
    expect(draft).toContain('**Acme Corp** ("Client")');
    expect(draft).toContain('[Provider legal name]');
    expect(draft).toMatch(/## 3\. Term and termination/);
    expect(draftContract('Draft contract for Acme Corp')).toBe(draft);
  });

  it('refuses an empty request permanently', () => {
    expect(() => draftContract('  ')).toThrow(/needs text/);
  });
});

describe('email-sender@', () => {
  it('says plainly that it sent nothing, naming the recipient', () => {
    const out = emailSenderStandIn('Send to jane@acme.example');
    expect(out.split('\n')[0]).toBe('Offline email stand-in: no mail was sent.');
    expect(out).toContain('jane@acme.example');
  });
});
