import type { Browser, Page } from 'playwright-core';
import { FakeOidcProvider } from '@chainmail/testing';
import { launchChromium, screenshot } from '../support/browser';
import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Single sign-on in the web console, in headless Chromium: the built all-in-one process with
 * CHAINMAIL_OIDC_* naming a provider of this test's own (discovery, JWKS, /authorize that signs
 * in at once, /token checking PKCE). Jane, whom the admin created, signs in through it and sees
 * her workflows only; a stranger is refused with the reason; the sign-in is renewed before the
 * ID token expires, ends at its expiry when the provider stops renewing it, and signing out
 * clears it. Screenshots in web/test-artifacts (oidc-*).
 */

jest.setTimeout(60_000);

const CLIENT_ID = 'chainmail-console';
const JANE = { sub: 'jane-1', name: 'Jane Roe', email: 'jane@acme.example', email_verified: true };
/** Short-lived ID tokens, so renewal and expiry happen within the test. */
const TOKEN_TTL_S = 10;

let provider: FakeOidcProvider;
let chainmail: ChainmailUnderTest;
let browser: Browser;
let page: Page;
let ssoButton: string;

const flow = (name: string): string => `name: ${name}\nsteps:\n  - { id: a, agent: echo@, input: "hi" }\n`;

beforeAll(async () => {
  provider = await FakeOidcProvider.start();
  provider.tokenTtlSeconds = TOKEN_TTL_S;
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_OIDC_ISSUER: provider.issuer,
    CHAINMAIL_OIDC_CLIENT_ID: CLIENT_ID,
  });
  ssoButton = `Sign in with ${new URL(provider.issuer).host}`;
  // Jane is created by the admin, with her address; she publishes one workflow, the admin another.
  const jane = await http<{ id: string }>(chainmail.base, 'POST', '/v1/users', {
    name: 'Jane Roe',
    email: JANE.email,
  });
  const janeToken = await http<{ token: string }>(chainmail.base, 'POST', '/v1/tokens', {
    name: 'setup',
    userId: jane.body.id,
    scopes: ['read', 'write'],
  });
  for (const [name, token] of [
    ['janes-digest', janeToken.body.token],
    ['admins-pipeline', undefined],
  ] as const) {
    const published = await http(
      chainmail.base,
      'POST',
      '/v1/workflows',
      flow(name),
      'application/yaml',
      token,
    );
    if (published.status !== 201)
      throw new Error(`${name}: ${published.status} ${JSON.stringify(published.body)}`);
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chainmail?.stop();
  await provider?.close();
});

const sessionToken = (): Promise<string | null> =>
  page.evaluate(() => sessionStorage.getItem('chainmail.token'));
const claims = (jwt: string): { aud?: unknown; exp?: number } =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { aud?: unknown; exp?: number };

it('offers the issuer beside the API token form', async () => {
  await page.goto(chainmail.base + '/');
  await page.getByRole('button', { name: ssoButton }).waitFor();
  await page.getByLabel('API token').waitFor();
  expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
  await screenshot(page, 'oidc-01-sign-in');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'oidc-01b-sign-in-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});

it('refuses someone the issuer knows but Chainmail does not, saying how to get in', async () => {
  provider.signInAs({ sub: 'stranger-1', email: 'nobody@acme.example', email_verified: true });
  await page.getByRole('button', { name: ssoButton }).click();
  const alert = page
    .getByRole('alert')
    .filter({ hasText: 'No Chainmail user has the email nobody@acme.example' });
  await alert.waitFor();
  expect(await alert.innerText()).toContain('ask an admin');
  expect(await sessionToken()).toBeNull();
  await screenshot(page, 'oidc-02-unknown-user');
});

it('signs Jane in through the issuer, back on the page she opened, and shows only her workflows', async () => {
  provider.signInAs(JANE);
  await page.goto(chainmail.base + '/workflows');
  await page.getByRole('button', { name: ssoButton }).click();
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/workflows');
  await page.locator('tr[data-workflow="janes-digest"]').waitFor();
  expect(await page.locator('tr[data-workflow]').count()).toBe(1);
  expect(await page.locator('.who').innerText()).toContain('Jane Roe');
  // The bearer is the ID token the provider signed for this client; the code was exchanged with PKCE.
  const token = await sessionToken();
  expect(claims(token ?? '').aud).toBe(CLIENT_ID);
  expect(provider.grants).toContain('authorization_code');
  await screenshot(page, 'oidc-03-workflows');
});

it('renews the sign-in before the ID token expires, and keeps working past its first expiry', async () => {
  const first = (await sessionToken()) as string;
  const renewed = await eventually(
    async () => {
      const now = await sessionToken();
      return now !== null && now !== first ? now : undefined;
    },
    TOKEN_TTL_S * 1000,
    'a renewed ID token',
  );
  expect(provider.grants).toContain('refresh_token');
  expect(claims(renewed).exp).toBeGreaterThan(claims(first).exp as number);
  // Past the first token's expiry (and the server's clock tolerance), the page still reads as Jane.
  await page.waitForTimeout(Math.max(0, (claims(first).exp as number) * 1000 + 6_000 - Date.now()));
  await page.reload();
  await page.locator('tr[data-workflow="janes-digest"]').waitFor();
  expect(await page.locator('tr[data-workflow]').count()).toBe(1);
});

it('signs out at expiry when the issuer stops renewing the sign-in, saying so', async () => {
  provider.allowRefresh = false;
  const alert = page.getByRole('alert').filter({ hasText: 'sign in again' });
  await alert.waitFor({ timeout: (TOKEN_TTL_S + 10) * 1000 });
  await page.getByRole('button', { name: ssoButton }).waitFor();
  expect(await sessionToken()).toBeNull();
  await screenshot(page, 'oidc-04-expired');
  provider.allowRefresh = true;
});

it('signs out from the header, forgetting every key of the sign-in', async () => {
  await page.getByRole('button', { name: ssoButton }).click();
  await page.locator('tr[data-workflow="janes-digest"]').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: ssoButton }).waitFor();
  const kept = await page.evaluate(() =>
    Object.keys(sessionStorage).filter((k) => k.startsWith('chainmail.')),
  );
  expect(kept).toEqual([]);
  await page.goto(chainmail.base + '/workflows');
  await page.getByLabel('API token').waitFor();
  expect(await page.locator('tr[data-workflow]').count()).toBe(0);
});
