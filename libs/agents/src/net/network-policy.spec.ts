import type { LookupAddress } from 'node:dns';
import { AgentError } from '../agent';
import { LocalServer, sendJson } from '../testing/local-server.fixture';
import { operatorOrigins, OutboundGuard, type NetworkPolicy } from './network-policy';
import { OutboundHttp } from './outbound-http';

/** A resolver answering from a table, so tests control what a name resolves to. */
const resolver =
  (table: Record<string, string[]>) =>
  (
    hostname: string,
    _options: unknown,
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ): void => {
    const ips = table[hostname];
    if (!ips) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return callback(err, []);
    }
    callback(
      null,
      ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

const policy = (over: Partial<NetworkPolicy> = {}): NetworkPolicy => ({
  allowPrivate: false,
  allowedHosts: [],
  ...over,
});

function refusal(fn: () => void): AgentError | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AgentError) return err;
    throw err;
  }
  return undefined;
}

describe('OutboundGuard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['10.0.0.5', 'private'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
  ])('refuses the literal %s (%s) by default', (host, range) => {
    const error = refusal(() => new OutboundGuard(policy()).checkLiteral(host));
    expect(error).toMatchObject({ code: 'AGENT_REFUSED_ADDRESS', retryable: false });
    expect(error?.message).toContain(range);
    expect(error?.message).toContain('CHAINMAIL_AGENT_ALLOW_PRIVATE=true');
  });

  it('lets public literals and names through checkLiteral', () => {
    const guard = new OutboundGuard(policy());
    expect(refusal(() => guard.checkLiteral('8.8.8.8'))).toBeUndefined();
    expect(refusal(() => guard.checkLiteral('api.openai.com'))).toBeUndefined();
  });

  it('allows everything with allowPrivate, named hosts whatever they resolve to, and listed ranges', () => {
    expect(
      refusal(() => new OutboundGuard(policy({ allowPrivate: true })).checkAddress('x', '127.0.0.1')),
    ).toBeUndefined();
    const listed = new OutboundGuard(
      policy({ allowedHosts: ['ollama.internal', '*.corp.example', '10.0.0.0/8', ' fd00::/8 '] }),
    );
    expect(refusal(() => listed.checkAddress('ollama.internal', '192.168.1.20'))).toBeUndefined();
    expect(refusal(() => listed.checkAddress('models.corp.example', '172.16.0.1'))).toBeUndefined();
    expect(refusal(() => listed.checkAddress('other.example', '10.1.2.3'))).toBeUndefined();
    expect(refusal(() => listed.checkAddress('other.example', 'fd00::1'))).toBeUndefined();
    expect(refusal(() => listed.checkAddress('corp.example', '172.16.0.1'))?.code).toBe(
      'AGENT_REFUSED_ADDRESS',
    );
    expect(refusal(() => listed.checkAddress('other.example', '127.0.0.1'))?.code).toBe(
      'AGENT_REFUSED_ADDRESS',
    );
  });

  it('refuses a name that resolves to loopback, or to any restricted address among public ones', (done) => {
    const guard = new OutboundGuard(policy(), resolver({ 'sneaky.example': ['93.184.216.34', '127.0.0.1'] }));
    guard.lookup('sneaky.example', { all: true }, (err, addresses) => {
      expect(err).toMatchObject({ code: 'AGENT_REFUSED_ADDRESS' });
      expect(err?.message).toContain('sneaky.example (127.0.0.1)');
      expect(addresses).toEqual([]);
      done();
    });
  });

  it('answers a checked lookup in the shape the caller asked for', (done) => {
    const guard = new OutboundGuard(
      policy(),
      resolver({ 'api.example': ['93.184.216.34', '2606:2800:220:1::1'] }),
    );
    guard.lookup('api.example', {}, (err, address, family) => {
      expect(err).toBeNull();
      expect([address, family]).toEqual(['93.184.216.34', 4]);
      guard.lookup('api.example', { all: true }, (err2, all) => {
        expect(err2).toBeNull();
        expect(all).toHaveLength(2);
        done();
      });
    });
  });
});

describe('OutboundHttp through the guard', () => {
  let server: LocalServer;
  const clients: OutboundHttp[] = [];
  beforeAll(async () => {
    server = await LocalServer.start((_req, res) => sendJson(res, 200, { output: 'reached' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });
  const post = (guard: OutboundGuard, url: string) => {
    const client = new OutboundHttp(guard);
    clients.push(client);
    return client.post({ url, headers: {}, body: '{}', signal: new AbortController().signal });
  };
  const port = () => new URL(server.url).port;

  it('refuses 127.0.0.1 before connecting when private addresses are not allowed', async () => {
    const before = server.received.length;
    await expect(post(new OutboundGuard(policy()), `${server.url}/x`)).rejects.toMatchObject({
      code: 'AGENT_REFUSED_ADDRESS',
    });
    expect(server.received.length).toBe(before);
  });

  it('refuses localhost, a name the system resolves to loopback', async () => {
    await expect(post(new OutboundGuard(policy()), `http://localhost:${port()}/x`)).rejects.toMatchObject({
      code: 'AGENT_REFUSED_ADDRESS',
      message: expect.stringContaining('loopback'),
    });
  });

  it('refuses the metadata address and private ranges without sending anything', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]:1/',
      'http://[::ffff:127.0.0.1]:1/',
    ]) {
      await expect(post(new OutboundGuard(policy()), url)).rejects.toMatchObject({
        code: 'AGENT_REFUSED_ADDRESS',
      });
    }
  });

  it('connects to the address the guard checked, not to a second resolution', async () => {
    // "model.test" exists only in this resolver: reaching the server proves the checked answer was used.
    const guard = new OutboundGuard(
      policy({ allowedHosts: ['127.0.0.1'] }),
      resolver({ 'model.test': ['127.0.0.1'] }),
    );
    const response = await post(guard, `http://model.test:${port()}/v1`);
    expect(response.status).toBe(200);
    expect(server.received.at(-1)?.headers.host).toBe(`model.test:${port()}`);
  });

  it('reaches a configured endpoint on loopback, and only on its own port', async () => {
    const guard = new OutboundGuard(policy({ allowedOrigins: [server.url] }));
    expect((await post(guard, `${server.url}/v1`)).status).toBe(200);
    await expect(post(guard, 'http://127.0.0.1:9/v1')).rejects.toMatchObject({
      code: 'AGENT_REFUSED_ADDRESS',
    });
    await expect(post(guard, `http://localhost:${port()}/v1`)).rejects.toMatchObject({
      code: 'AGENT_REFUSED_ADDRESS',
    });
  });

  it('reaches loopback when the operator allows private addresses', async () => {
    const response = await post(new OutboundGuard(policy({ allowPrivate: true })), `${server.url}/ok`);
    expect([response.status, JSON.parse(response.body)]).toEqual([200, { output: 'reached' }]);
  });
});

describe('operatorOrigins', () => {
  it('takes the origins of configured URLs, ignoring what is not a URL', () => {
    expect(
      operatorOrigins([
        'http://127.0.0.1:11434/v1',
        undefined,
        'not a url',
        'http://[::1]:8000/v1',
        'https://Models.Example/v1',
      ]),
    ).toEqual(['http://127.0.0.1:11434', 'http://[::1]:8000', 'https://models.example']);
  });
});
