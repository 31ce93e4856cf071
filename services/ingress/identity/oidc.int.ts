import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * OpenID Connect access tokens, offline: a local issuer (discovery document and JWKS on a port of
 * this suite's own) signs JWTs with `jose`; ingress verifies them against its keys.
 */

let issuerServer: Server;
let issuer: string;
let key: KeyLike;
let otherKey: KeyLike;
let app: IngressTestApp;
let jwksRequests = 0;

beforeAll(async () => {
  const signing = await generateKeyPair('RS256');
  key = signing.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const publicKey = signing.publicKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuerServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      jwksRequests += 1;
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  app = await startIngressTestApp({
    oidcIssuer: issuer,
    oidcAudience: 'chainmail',
    oidcDefaultRole: 'runner',
    oidcAdminGroups: ['chainmail-admins'],
  });
}, 30_000);

afterAll(async () => {
  await app?.close();
  issuerServer?.closeAllConnections();
  await new Promise((resolve) => issuerServer?.close(resolve));
});

async function jwt(
  claims: JWTPayload,
  options: {
    issuer?: string;
    audience?: string;
    expiresIn?: string | number;
    signWith?: KeyLike;
    alg?: string;
  } = {},
): Promise<string> {
  const builder = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: 'k1' })
    .setIssuedAt()
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? 'chainmail')
    .setExpirationTime(options.expiresIn ?? '5m');
  return builder.sign(options.signWith ?? key);
}

it('accepts a good token: the user is created on first sight, its groups become teams, and it is the same user next time', async () => {
  const token = await jwt({
    sub: 'jane-1',
    name: 'Jane Roe',
    email: 'jane@acme.example',
    groups: ['platform', 'data'],
  });
  const me = await call(app.base, 'GET', '/v1/me', { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({
    user: { name: 'Jane Roe', email: 'jane@acme.example', admin: false, externalId: `${issuer}#jane-1` },
    via: 'oidc',
    scopes: ['read', 'run', 'write'],
    token: null,
  });
  expect(me.body.teams.map((t: { name: string; role: string }) => [t.name, t.role]).sort()).toEqual([
    ['data', 'runner'],
    ['platform', 'runner'],
  ]);
  expect((await call(app.base, 'GET', '/v1/runs', { token })).status).toBe(200);

  // Later, with one group fewer: the same user, and it has left that team.
  const later = await jwt({ sub: 'jane-1', name: 'Jane Roe', groups: ['platform'] });
  const again = await call(app.base, 'GET', '/v1/me', { token: later });
  expect(again.body.user.id).toBe(me.body.user.id);
  expect(again.body.teams.map((t: { name: string }) => t.name)).toEqual(['platform']);

  // A signed-in user may mint an API token for scripts, within its own scopes.
  const minted = await call(app.base, 'POST', '/v1/tokens', {
    token: later,
    body: { name: 'laptop', scopes: ['read'] },
  });
  expect(minted.status).toBe(201);
  expect((await call(app.base, 'GET', '/v1/me', { token: minted.body.token })).body.user.id).toBe(
    me.body.user.id,
  );
  expect(jwksRequests).toBe(1);
});

it('makes members of an admin group admins', async () => {
  const token = await jwt({ sub: 'root-1', groups: ['chainmail-admins'] });
  const me = await call(app.base, 'GET', '/v1/me', { token });
  expect(me.body).toMatchObject({ user: { admin: true }, scopes: ['read', 'run', 'write', 'admin'] });
  expect((await call(app.base, 'GET', '/v1/audit', { token })).status).toBe(200);
  const plain = await jwt({ sub: 'plain-1' });
  expect((await call(app.base, 'GET', '/v1/audit', { token: plain })).status).toBe(403);
});

it.each([
  ['another issuer', () => jwt({ sub: 'x' }, { issuer: 'https://evil.example' }), 'issued by another issuer'],
  ['an expired token', () => jwt({ sub: 'x' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'expired'],
  ['another audience', () => jwt({ sub: 'x' }, { audience: 'someone-else' }), 'another audience'],
  ['a bad signature', () => jwt({ sub: 'x' }, { signWith: otherKey }), 'signature does not verify'],
  ['no user claim', () => jwt({ name: 'nobody' }), 'no "sub" claim'],
])('refuses %s with 401', async (_what, make, reason) => {
  const answer = await call(app.base, 'GET', '/v1/me', { token: await make() });
  expect(answer.status).toBe(401);
  expect(answer.body.error).toMatchObject({
    code: 'UNAUTHENTICATED',
    message: expect.stringContaining(reason),
  });
});

it('refuses an HMAC token (the JWKS never makes a symmetric key acceptable) and a tampered payload', async () => {
  const hmac = await new SignJWT({ sub: 'x' })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience('chainmail')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('a-secret-of-at-least-32-bytes-long!!'));
  expect((await call(app.base, 'GET', '/v1/me', { token: hmac })).status).toBe(401);

  const good = await jwt({ sub: 'jane-1', groups: [] });
  const [header, , signature] = good.split('.');
  const forged = Buffer.from(
    JSON.stringify({ sub: 'root-1', iss: issuer, aud: 'chainmail', exp: 4e9, groups: ['chainmail-admins'] }),
  ).toString('base64url');
  expect((await call(app.base, 'GET', '/v1/me', { token: `${header}.${forged}.${signature}` })).status).toBe(
    401,
  );
});
