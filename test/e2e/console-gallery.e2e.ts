import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../support/browser';
import { http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * The console's templates gallery and marketplace in headless Chromium against the built
 * all-in-one process, as two users in two tabs. Ann finds a template, makes a workflow from it
 * (a wrong parameter is named beside its field), test-runs it in the builder to succeeded and
 * publishes it to the marketplace from its page. Bob finds the listing, reads its graph and
 * requirements, stars it, installs it, and takes Ann's next version with `Update`; only Ann is
 * offered `Unpublish`. Screenshots go to web/test-artifacts (gallery-*).
 */

jest.setTimeout(90_000);

interface Person {
  id: string;
  token: string;
  page: Page;
}

let chainmail: ChainmailUnderTest;
let browser: Browser;
let ann: Person;
let bob: Person;
let listingId: string;

const stepNodes = (status?: string): string =>
  status === undefined
    ? '.react-flow__node [data-step]'
    : `.react-flow__node [data-step][data-status="${status}"]`;

/** A user with a token (read, run, write) made by the admin, signed in in a tab of their own. */
async function person(name: string): Promise<Person> {
  const user = await http<{ id: string }>(chainmail.base, 'POST', '/v1/users', { name });
  expect(user.status).toBe(201);
  const token = await http<{ token: string }>(chainmail.base, 'POST', '/v1/tokens', {
    name: `${name}'s console`,
    userId: user.body.id,
    scopes: ['read', 'run', 'write'],
  });
  expect(token.status).toBe(201);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(chainmail.base + '/');
  await page.getByLabel('API token').fill(token.body.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  return { id: user.body.id, token: token.body.token, page };
}

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  browser = await launchChromium();
  ann = await person('ann');
  bob = await person('bob');
  // Ann owns a team: what she makes may be its workflow; Bob is in no team.
  const red = await http(chainmail.base, 'POST', '/v1/teams', { name: 'red', owner: ann.id });
  expect(red.status).toBe(201);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await chainmail?.stop();
});

it('finds templates by words and by category on the server, each card with its agents', async () => {
  const page = ann.page;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { name: 'Templates' }).waitFor();
  await expectCount(page, '[data-template]', 16);
  await screenshot(page, 'gallery-01-templates');

  await page.getByRole('searchbox', { name: 'Search' }).fill('meeting notes');
  await expectCount(page, '[data-template]', 1);
  const card = page.locator('[data-template="meeting-action-items"]');
  expect(await card.innerText()).toMatch(/productivity[\s\S]*summarize@\s*write-report@\s*proofread@/);
  expect(page.url()).toContain('q=meeting+notes');

  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await page.getByLabel('Category').selectOption('schedules');
  await expectCount(page, '[data-template]', 3);
  const ids = await page
    .locator('[data-template]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-template')));
  expect(ids.sort()).toEqual(['daily-news-digest', 'standup-prep', 'weekly-competitor-update']);
  await page.getByRole('searchbox', { name: 'Search' }).fill('nothing-has-this-word');
  await page.getByText('No template has all of these words in schedules.').waitFor();
});

it('uses a template: a wrong parameter is named beside it, then the builder opens on the new workflow and a test run succeeds', async () => {
  const page = ann.page;
  await page.goto(`${chainmail.base}/templates?q=meeting`);
  await page.getByRole('link', { name: 'Meeting notes to action items' }).click();
  await page.getByRole('heading', { name: /Meeting notes to action items/ }).waitFor();
  await expectCount(page, stepNodes(), 3);
  expect(await page.locator('tr[data-parameter="notes_agent"]').innerText()).toMatch(
    /notes_agent\s+agent\s+summarize@\s+Who summarizes the meeting\./,
  );
  expect(await page.getByRole('region', { name: 'Guide' }).locator('code').first().innerText()).toBe(
    'user_input',
  );
  expect(await page.getByRole('region', { name: 'Sample input' }).innerText()).toContain('"user_input"');
  await screenshot(page, 'gallery-02-template');

  await page.getByRole('button', { name: 'Use template' }).click();
  const form = page.getByRole('form', { name: 'Use template' });
  expect(await form.getByLabel('New workflow name').inputValue()).toBe('meeting-action-items');
  expect(await form.getByLabel('Owner').locator('option').allInnerTexts()).toEqual(['you', 'team red']);
  await form.getByLabel('New workflow name').fill('ann-notes');
  await form.getByLabel(/^notes_agent/).fill('not an address');
  await form.getByRole('button', { name: 'Create workflow' }).click();
  await form.getByRole('alert').filter({ hasText: 'have 1 problem(s)' }).waitFor();
  const problem = form.locator('#use-param-notes_agent-problem');
  expect(await problem.innerText()).toContain('notes_agent must be an agent address such as research@');
  expect(await form.getByLabel(/^notes_agent/).getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'gallery-03-use-template-problem');

  await form.getByLabel(/^notes_agent/).fill('summarize@');
  await form.getByRole('button', { name: 'Create workflow' }).click();
  await page.waitForURL(`${chainmail.base}/workflows/ann-notes`);
  await page
    .getByRole('status')
    .filter({ hasText: 'Made ann-notes (version 1) from the template Meeting notes to action items.' })
    .waitFor();
  await expectCount(page, stepNodes(), 3);
  expect(await page.getByTestId('yaml-editor').innerText()).toContain('name: ann-notes');

  // The test run starts from the template's sample input.
  await page.getByRole('button', { name: 'Test Run' }).click();
  expect(await page.getByLabel('user_input').inputValue()).toContain('Ana will send the budget by Friday');
  await page.getByRole('button', { name: 'Start run' }).click();
  await expectCount(page, stepNodes('succeeded'), 3, 30_000);
  await page.locator('.test-run-status .status[data-status="succeeded"]').waitFor();
  await screenshot(page, 'gallery-04-builder-from-template');
});

it("publishes a workflow to the marketplace from its page, the API's field problems beside the fields", async () => {
  const page = ann.page;
  await page.getByRole('button', { name: 'Publish to marketplace' }).click();
  const form = page.getByRole('form', { name: 'Publish to marketplace' });
  await form.getByLabel('Title').fill('ab');
  await form.getByLabel('Tags').fill('meetings, Notes');
  await form.getByRole('button', { name: 'Publish listing' }).click();
  expect(await form.locator('#share-title-problem').innerText()).toBe('must be at least 3 characters');
  await form.getByLabel('Title').fill('Meeting notes, sorted');
  await form.getByLabel('Description').fill('Notes in, a summary and action items with owners out.');
  await form.getByRole('button', { name: 'Publish listing' }).click();
  const published = form.getByRole('status').filter({ hasText: 'Published as lst_' });
  await published.waitFor();
  expect(await published.innerText()).toMatch(/version 1\.$/);
  listingId = (await published.getByRole('link').innerText()).trim();
  await screenshot(page, 'gallery-05-publish-to-marketplace');

  const listing = await http<{ tags: string[]; visibility: string }>(
    chainmail.base,
    'GET',
    `/v1/marketplace/listings/${listingId}`,
    undefined,
    undefined,
    ann.token,
  );
  expect(listing.body).toMatchObject({ tags: ['meetings', 'notes'], visibility: 'public' });
});

it('another user finds the listing, reads its graph and requirements, stars and installs it, and is not offered Unpublish', async () => {
  const page = bob.page;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).click();
  await page.getByRole('heading', { name: 'Marketplace' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search' }).fill('action items');
  await expectCount(page, '[data-listing]', 1);
  await page.getByLabel('Sort').selectOption('stars');
  expect(page.url()).toContain('sort=stars');
  await page.locator(`[data-listing="${listingId}"]`).getByRole('button', { name: '#meetings' }).click();
  await page.waitForURL(/tag=meetings/);
  // The field follows the address once the page has rendered it: waited for, not read at once.
  expect(await valueOnceSettled(page.getByLabel('Tag'), 'meetings')).toBe('meetings');
  await expectCount(page, '[data-listing]', 1);
  await screenshot(page, 'gallery-06-marketplace');

  await page.getByRole('link', { name: 'Meeting notes, sorted' }).click();
  await page.getByRole('heading', { name: 'Meeting notes, sorted' }).waitFor();
  await expectCount(page, stepNodes(), 3);
  const agents = page.getByRole('region', { name: 'Requirements' }).locator('[data-requirement="agents"]');
  expect(await agents.innerText()).toMatch(/proofread@\s*summarize@\s*write-report@/);
  expect(await page.locator('[data-listing-version]').count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);

  await page.getByRole('button', { name: 'Star', exact: true }).click();
  await page.getByRole('button', { name: 'Unstar' }).waitFor();
  expect(await page.locator('.page-title [data-stars]').innerText()).toBe('1 star');

  expect(await page.getByLabel('Owner').count()).toBe(0);
  await page.getByLabel('Name of your copy').fill('bob-notes');
  await page.getByRole('button', { name: 'Install', exact: true }).click();
  const installed = page.getByRole('status').filter({ hasText: 'Installed as bob-notes' });
  await installed.waitFor();
  expect(await installed.innerText()).toContain('Nothing to provide: it runs as it is.');
  await page.locator('dd[data-installs="1"]').waitFor();
  await screenshot(page, 'gallery-07-listing-installed');

  await installed.getByRole('link', { name: 'bob-notes' }).click();
  await page.waitForURL(`${chainmail.base}/workflows/bob-notes`);
  await expectCount(page, stepNodes(), 3);
  const origin = page.getByRole('region', { name: 'Installed from the marketplace' });
  expect(await origin.innerText()).toContain(`Installed from ${listingId}, listing version 1.`);
  expect(await origin.getByRole('button', { name: 'Update' }).count()).toBe(0);
});

it("offers an installed copy the listing's next version with Update", async () => {
  const source = await http<{ source: string }>(
    chainmail.base,
    'GET',
    '/v1/workflows/ann-notes',
    undefined,
    undefined,
    ann.token,
  );
  const changed = source.body.source.replace(/^description: .*$/m, 'description: "Notes, tidied twice"');
  expect(changed).toContain('Notes, tidied twice');
  const saved = await http(chainmail.base, 'POST', '/v1/workflows', changed, 'application/yaml', ann.token);
  expect(saved.status).toBe(201);
  const next = await http<{ version: number }>(
    chainmail.base,
    'POST',
    '/v1/marketplace/listings',
    { workflow: 'ann-notes', title: 'Meeting notes, sorted', visibility: 'public' },
    undefined,
    ann.token,
  );
  expect(next.body.version).toBe(2);

  const page = bob.page;
  await page.reload();
  const origin = page.getByRole('region', { name: 'Installed from the marketplace' });
  await origin.getByText('Version 2 is available.').waitFor();
  await origin.getByRole('button', { name: 'Update' }).click();
  await origin.getByText('Updated to listing version 2 (version 2 of bob-notes).').waitFor();
  await page.getByTestId('yaml-editor').filter({ hasText: 'Notes, tidied twice' }).waitFor();
  await screenshot(page, 'gallery-08-installed-update');
});

it('offers Unpublish to the author only; an unpublished listing leaves the marketplace', async () => {
  const page = ann.page;
  await page.goto(`${chainmail.base}/marketplace/${listingId}`);
  await page.getByRole('heading', { name: 'Meeting notes, sorted' }).waitFor();
  expect(await page.locator('[data-listing-version]').count()).toBe(2);
  await page.getByRole('button', { name: 'Unpublish' }).click();
  await page
    .getByRole('group', { name: 'Confirm unpublish' })
    .getByRole('button', { name: 'Yes, unpublish' })
    .click();
  await page.getByRole('note').filter({ hasText: 'Unpublished: only its author sees it' }).waitFor();

  await bob.page.goto(`${chainmail.base}/marketplace`);
  await bob.page.getByText('No listing you may see matches.').waitFor();
  await bob.page.goto(`${chainmail.base}/marketplace/${listingId}`);
  await bob.page
    .getByRole('alert')
    .filter({ hasText: 'Not found, or not visible with this token' })
    .waitFor();
});

it('is readable at phone width', async () => {
  const page = ann.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${chainmail.base}/templates`);
  await expectCount(page, '[data-template]', 16);
  await screenshot(page, 'gallery-09-templates-phone');
  await page.goto(`${chainmail.base}/marketplace/${listingId}`);
  await expectCount(page, stepNodes(), 3);
  await screenshot(page, 'gallery-10-listing-phone');
});

/** The field's value once it is `expected`, or whatever it holds when `timeoutMs` has passed. */
async function valueOnceSettled(field: Locator, expected: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let value = await field.inputValue();
  while (value !== expected && Date.now() < deadline) {
    await field.page().waitForTimeout(100);
    value = await field.inputValue();
  }
  return value;
}

async function expectCount(on: Page, selector: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await on.locator(selector).count();
    if (seen === count) return;
    await on.waitForTimeout(100);
  }
  throw new Error(`expected ${count} of ${selector}, saw ${seen}`);
}
