import { backingServicesHint } from './readiness';

describe('backingServicesHint', () => {
  it('publishes the ports the URLs point at, not the default ones', () => {
    const lines = backingServicesHint({
      natsUrl: 'nats://127.0.0.1:14222',
      databaseUrl: 'postgres://postgres@127.0.0.1:15432/chainmail',
    });
    expect(lines.join('\n')).toContain('-p 14222:4222 nats:2 -js');
    expect(lines.join('\n')).toContain('-p 15432:5432 ');
  });

  it('keeps the default ports when the URLs name none', () => {
    const text = backingServicesHint({
      natsUrl: 'nats://localhost',
      databaseUrl: 'postgres://db/chainmail',
    }).join('\n');
    expect(text).toContain('-p 4222:4222 ');
    expect(text).toContain('-p 5432:5432 ');
  });
});
