import { http, startChainmail, eventually, type ChainmailUnderTest } from '../support/chainmail';
import { listen, type LocalServer } from '../support/local-agents';

/**
 * The marketplace across users and a team, against the built all-in-one process: Ann shares a
 * workflow that calls her own agent and names her secret and variable; Bob finds it, installs it
 * with his own agent, secret, variable and webhook path, runs it, takes Ann's update, rolls it
 * back; Ann's team-only listing stays invisible to Carl; unpublishing hides the listing and leaves
 * Bob's copy working. No answer to Bob or Carl holds Ann's secret value, her variable's value or
 * her agent's configuration.
 */

interface Person {
  id: string;
  token: string;
}
interface RunBody {
  status: string;
  output: string | null;
  error: unknown;
}

const ANN_SECRET = 'ann-very-private-hook-key-4711';
const ANN_AUDIENCE = 'ann-audience-value-zzz';
const BOB_SECRET = 'bob-own-hook-key-0815';

let chainmail: ChainmailUnderTest;
let agents: LocalServer;
let ann: Person;
let bob: Person;
let carl: Person;
let team: string;
let listing: string;
/** Every answer Bob or Carl got: none may hold what is Ann's alone. */
const seenByOthers: string[] = [];

const flow = (text: string): string => `name: ann-flow
description: "Ann's research write-up"
trigger: { type: webhook, path: ann-flow-hook, secret: "{{ secrets.HOOK_KEY }}" }
steps:
  - id: research
    agent: research@
    input: "Research {{ user_input }}"
  - id: write
    agent: ann-writer@
    input: "${text} for {{ vars.audience }}"
output: "{{ write.output }}"
`;

async function as<T = Record<string, unknown>>(
  who: Person,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  const res = await http<T>(chainmail.base, method, path, body, contentType, who.token);
  if (who !== ann) seenByOthers.push(JSON.stringify(res.body));
  return res;
}

async function person(name: string): Promise<Person> {
  const user = await http<{ id: string }>(chainmail.base, 'POST', '/v1/users', { name });
  expect(user.status).toBe(201);
  const token = await http<{ token: string }>(chainmail.base, 'POST', '/v1/tokens', {
    name: `${name}'s`,
    userId: user.body.id,
    scopes: ['read', 'run', 'write'],
  });
  expect(token.status).toBe(201);
  return { id: user.body.id, token: token.body.token };
}

async function runToEnd(who: Person, workflow: string): Promise<RunBody> {
  const started = await as<{ runId: string }>(who, 'POST', `/v1/workflows/${workflow}/runs`, {
    inputs: { user_input: 'CRM tools' },
  });
  expect(started.status).toBe(202);
  return eventually(
    async () => {
      const run = await as<RunBody>(who, 'GET', `/v1/runs/${started.body.runId}`);
      return run.status === 200 && run.body.status !== 'running' ? run.body : undefined;
    },
    20_000,
    `${workflow} to end`,
  );
}

beforeAll(async () => {
  agents = await listen((body, req, res) => {
    const { input } = JSON.parse(body) as { input: string };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `${req.url} wrote: ${input}` }));
  });
  chainmail = await startChainmail(['all-in-one'], { CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true' });
  ann = await person('ann');
  bob = await person('bob');
  carl = await person('carl');
  const red = await http<{ id: string }>(chainmail.base, 'POST', '/v1/teams', { name: 'red', owner: ann.id });
  expect(red.status).toBe(201);
  team = red.body.id;
  const member = await as(ann, 'POST', `/v1/teams/${team}/members`, { userId: bob.id, role: 'runner' });
  expect(member.status).toBe(200);

  // Ann's own agent, secret and variable, and the workflow that uses them.
  expect((await as(ann, 'PUT', '/v1/secrets/HOOK_KEY', { value: ANN_SECRET })).status).toBe(200);
  expect((await as(ann, 'PUT', '/v1/variables/audience', { value: ANN_AUDIENCE })).status).toBe(200);
  const annAgent = await as(ann, 'PUT', '/v1/agents/ann-writer@', {
    kind: 'http',
    config: { url: `${agents.url}/ann`, headers: { Authorization: 'Bearer {{secrets.HOOK_KEY}}' } },
  });
  expect(annAgent.status).toBe(200);
  expect((await as(ann, 'POST', '/v1/workflows', flow('Write up'), 'application/yaml')).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await chainmail?.stop();
  await agents?.close();
});

it('Ann publishes a version as a public listing that names what it needs, and nothing else', async () => {
  const published = await as<{ id: string; version: number; requirements: Record<string, string[]> }>(
    ann,
    'POST',
    '/v1/marketplace/listings',
    {
      workflow: 'ann-flow',
      title: 'Research write-up',
      description: 'Researches a topic and writes it up for an audience',
      tags: ['research', 'writing'],
      visibility: 'public',
    },
  );
  expect(published.status).toBe(201);
  listing = published.body.id;
  expect(published.body.version).toBe(1);
  expect(published.body.requirements).toEqual({
    agents: ['ann-writer@', 'research@'],
    workflows: [],
    secrets: ['HOOK_KEY'],
    variables: ['audience'],
  });
  const again = await as<{ error: { code: string } }>(ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'ann-flow',
    title: 'Research write-up',
    visibility: 'public',
  });
  expect(again.status).toBe(409);
  const notHers = await as(bob, 'POST', '/v1/marketplace/listings', {
    workflow: 'ann-flow',
    title: 'Stolen',
    visibility: 'public',
  });
  expect(notHers.status).toBe(404);
});

it('Bob and Carl find it by words and by tag; the listing shows its definition and requirements', async () => {
  for (const who of [bob, carl]) {
    const found = await as<{ listings: { id: string; author: string }[] }>(
      who,
      'GET',
      '/v1/marketplace/listings?q=research%20audience',
    );
    expect(found.body.listings.map((l) => l.id)).toEqual([listing]);
    expect(found.body.listings[0]?.author).toBe(`user:${ann.id}`);
    const tagged = await as<{ listings: { id: string }[] }>(
      who,
      'GET',
      '/v1/marketplace/listings?tag=writing',
    );
    expect(tagged.body.listings.map((l) => l.id)).toEqual([listing]);
  }
  const detail = await as<{ source: string; versions: unknown[]; requirements: { secrets: string[] } }>(
    bob,
    'GET',
    `/v1/marketplace/listings/${listing}`,
  );
  expect(detail.status).toBe(200);
  expect(detail.body.source).toContain('{{ secrets.HOOK_KEY }}');
  expect(detail.body.versions).toHaveLength(1);
  const bad = await as(bob, 'GET', '/v1/marketplace/listings?sort=best');
  expect(bad.status).toBe(400);
});

it('Bob installs it into his namespace with his own agent, secret, variable and webhook path, and runs it', async () => {
  const taken = await as<{ error: { code: string; message: string } }>(
    bob,
    'POST',
    `/v1/marketplace/listings/${listing}/install`,
    {},
  );
  expect(taken.status).toBe(409);
  expect(taken.body.error.message).toMatch(/name "ann-flow" is taken/);

  const unknownAgent = await as<{ error: { details: { issues: { field: string }[] } } }>(
    bob,
    'POST',
    `/v1/marketplace/listings/${listing}/install`,
    { name: 'bob-flow', agents: { 'nobody@': 'bob-writer@' } },
  );
  expect(unknownAgent.status).toBe(400);
  expect(unknownAgent.body.error.details.issues[0]?.field).toBe('agents.nobody@');

  expect((await as(bob, 'PUT', '/v1/secrets/HOOK_KEY', { value: BOB_SECRET })).status).toBe(200);
  const bobAgent = await as(bob, 'PUT', '/v1/agents/bob-writer@', {
    kind: 'http',
    config: { url: `${agents.url}/bob`, headers: { Authorization: 'Bearer {{secrets.HOOK_KEY}}' } },
  });
  expect(bobAgent.status).toBe(200);
  // Without his own agent in place of Ann's, the install says his runs may not call hers.
  const unmapped = await as<{ missing: { agents: string[] } }>(
    bob,
    'POST',
    `/v1/marketplace/listings/${listing}/install`,
    {
      name: 'bob-unmapped',
      bindings: { 'ann-flow-hook': 'bob-unmapped-hook' },
    },
  );
  expect(unmapped.status).toBe(201);
  expect(unmapped.body.missing.agents).toEqual(['ann-writer@']);
  const installed = await as<{
    name: string;
    version: number;
    listingVersion: number;
    needs: { agents: string[] };
    missing: { secrets: string[]; variables: string[] };
  }>(bob, 'POST', `/v1/marketplace/listings/${listing}/install`, {
    name: 'bob-flow',
    agents: { 'ann-writer@': 'bob-writer@' },
    bindings: { 'ann-flow-hook': 'bob-flow-hook' },
  });
  expect(installed.status).toBe(201);
  expect(installed.body).toMatchObject({ name: 'bob-flow', version: 1, listingVersion: 1 });
  expect(installed.body.needs.agents).toEqual(['bob-writer@', 'research@']);
  expect(installed.body.missing).toEqual({ agents: [], secrets: [], variables: ['audience'] });

  const copy = await as<{ owner: string; source: string; origin: Record<string, unknown> }>(
    bob,
    'GET',
    '/v1/workflows/bob-flow',
  );
  expect(copy.body.owner).toBe(`user:${bob.id}`);
  expect(copy.body.source).toContain('agent: bob-writer@');
  expect(copy.body.source).toContain('path: bob-flow-hook');
  expect(copy.body.origin).toEqual({ listing, listingVersion: 1, latestVersion: 1, updateAvailable: false });

  expect((await as(bob, 'PUT', '/v1/variables/audience', { value: 'bob-readers' })).status).toBe(200);
  const run = await runToEnd(bob, 'bob-flow');
  expect(run.status).toBe('succeeded');
  expect(run.output).toContain('/bob wrote: Write up for bob-readers');
  const calls = agents.requests.filter((r) => r.path === '/bob');
  expect(calls).toHaveLength(1);
  expect(calls[0]?.headers.authorization).toBe(`Bearer ${BOB_SECRET}`);
  expect(agents.requests.filter((r) => r.path === '/ann')).toHaveLength(0);

  const listed = await as<{ listings: { id: string; installs: number }[] }>(
    bob,
    'GET',
    '/v1/marketplace/listings',
  );
  expect(listed.body.listings.find((l) => l.id === listing)?.installs).toBe(2);
});

it('stars count once per user and sort the marketplace', async () => {
  await as(
    ann,
    'POST',
    '/v1/workflows',
    'name: ann-other\nsteps:\n  - { id: a, agent: echo@, input: hi }\n',
    'application/yaml',
  );
  const other = await as<{ id: string }>(ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'ann-other',
    title: 'Another one',
    visibility: 'public',
  });
  expect(other.status).toBe(201);
  expect(
    (await as<{ stars: number }>(bob, 'POST', `/v1/marketplace/listings/${listing}/star`)).body.stars,
  ).toBe(1);
  expect(
    (await as<{ stars: number }>(bob, 'POST', `/v1/marketplace/listings/${listing}/star`)).body.stars,
  ).toBe(1);
  expect(
    (await as<{ stars: number }>(carl, 'POST', `/v1/marketplace/listings/${listing}/star`)).body.stars,
  ).toBe(2);
  const byStars = await as<{ listings: { id: string; starredByYou: boolean }[] }>(
    carl,
    'GET',
    '/v1/marketplace/listings?sort=stars',
  );
  expect(byStars.body.listings.map((l) => l.id)).toEqual([listing, other.body.id]);
  expect(byStars.body.listings[0]?.starredByYou).toBe(true);
  const recent = await as<{ listings: { id: string }[] }>(
    carl,
    'GET',
    '/v1/marketplace/listings?sort=recent',
  );
  expect(recent.body.listings[0]?.id).toBe(other.body.id);
  const unstarred = await as<{ stars: number; starred: boolean }>(
    carl,
    'DELETE',
    `/v1/marketplace/listings/${listing}/star`,
  );
  expect(unstarred.body).toMatchObject({ stars: 1, starred: false });
});

it("Ann's new listing version shows as an update; Bob takes it, rolls back, and the update is offered again", async () => {
  expect((await as(ann, 'POST', '/v1/workflows', flow('Write a brief'), 'application/yaml')).status).toBe(
    201,
  );
  const v2 = await as<{ version: number }>(ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'ann-flow',
    title: 'Research write-up',
    tags: ['research', 'writing'],
    visibility: 'public',
  });
  expect(v2.body.version).toBe(2);
  const pending = await as<{ origin: Record<string, unknown> }>(bob, 'GET', '/v1/workflows/bob-flow');
  expect(pending.body.origin).toEqual({
    listing,
    listingVersion: 1,
    latestVersion: 2,
    updateAvailable: true,
  });

  const updated = await as<{ version: number; listingVersion: number; previousListingVersion: number }>(
    bob,
    'POST',
    '/v1/workflows/bob-flow/update',
  );
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ version: 2, listingVersion: 2, previousListingVersion: 1 });
  const after = await as<{ source: string; origin: Record<string, unknown> }>(
    bob,
    'GET',
    '/v1/workflows/bob-flow',
  );
  expect(after.body.origin).toMatchObject({ listingVersion: 2, updateAvailable: false });
  expect(after.body.source).toContain('agent: bob-writer@');
  expect(after.body.source).toContain('path: bob-flow-hook');
  expect((await runToEnd(bob, 'bob-flow')).output).toContain('/bob wrote: Write a brief for bob-readers');
  const upToDate = await as<{ error: { message: string } }>(bob, 'POST', '/v1/workflows/bob-flow/update');
  expect(upToDate.status).toBe(409);
  expect(upToDate.body.error.message).toMatch(/up to date/);

  expect((await as(bob, 'POST', '/v1/workflows/bob-flow/rollback', { version: 1 })).status).toBe(200);
  const rolledBack = await as<{ origin: Record<string, unknown> }>(bob, 'GET', '/v1/workflows/bob-flow');
  expect(rolledBack.body.origin).toMatchObject({ listingVersion: 1, updateAvailable: true });
  expect((await runToEnd(bob, 'bob-flow')).output).toContain('/bob wrote: Write up for bob-readers');
  expect((await as(carl, 'POST', '/v1/workflows/bob-flow/update')).status).toBe(404);
});

it("a team listing is seen by the team's members only", async () => {
  await as(
    ann,
    'POST',
    '/v1/workflows',
    'name: red-flow\nsteps:\n  - { id: a, agent: echo@, input: red }\n',
    'application/yaml',
  );
  const noTeam = await as(ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'red-flow',
    title: 'Red only',
    visibility: 'team',
  });
  expect(noTeam.status).toBe(400);
  const teamOnly = await as<{ id: string }>(ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'red-flow',
    title: 'Red only',
    visibility: 'team',
    team,
  });
  expect(teamOnly.status).toBe(201);
  const bobSees = await as<{ listings: { id: string }[] }>(bob, 'GET', '/v1/marketplace/listings?q=red');
  expect(bobSees.body.listings.map((l) => l.id)).toEqual([teamOnly.body.id]);
  const carlSees = await as<{ listings: { id: string }[] }>(carl, 'GET', '/v1/marketplace/listings');
  expect(carlSees.body.listings.map((l) => l.id)).not.toContain(teamOnly.body.id);
  expect((await as(carl, 'GET', `/v1/marketplace/listings/${teamOnly.body.id}`)).status).toBe(404);
  expect(
    (await as(carl, 'POST', `/v1/marketplace/listings/${teamOnly.body.id}/install`, { name: 'c' })).status,
  ).toBe(404);
  expect((await as(carl, 'POST', `/v1/marketplace/listings/${teamOnly.body.id}/star`)).status).toBe(404);
  const bobInstall = await as(bob, 'POST', `/v1/marketplace/listings/${teamOnly.body.id}/install`, {
    name: 'bob-red',
  });
  expect(bobInstall.status).toBe(201);
});

it('unpublishing hides the listing; installed copies keep working and are not offered updates', async () => {
  expect((await as(carl, 'DELETE', `/v1/marketplace/listings/${listing}`)).status).toBe(403);
  const gone = await as<{ unpublished: boolean }>(ann, 'DELETE', `/v1/marketplace/listings/${listing}`);
  expect(gone.status).toBe(200);
  const search = await as<{ listings: { id: string }[] }>(bob, 'GET', '/v1/marketplace/listings');
  expect(search.body.listings.map((l) => l.id)).not.toContain(listing);
  expect((await as(bob, 'GET', `/v1/marketplace/listings/${listing}`)).status).toBe(404);
  expect(
    (await as(carl, 'POST', `/v1/marketplace/listings/${listing}/install`, { name: 'carl-flow' })).status,
  ).toBe(404);
  const copy = await as<{ origin: Record<string, unknown> }>(bob, 'GET', '/v1/workflows/bob-flow');
  expect(copy.body.origin).toMatchObject({ latestVersion: null, updateAvailable: false });
  expect((await as(bob, 'POST', '/v1/workflows/bob-flow/update')).status).toBe(409);
  expect((await runToEnd(bob, 'bob-flow')).status).toBe('succeeded');
  // Ann still sees her own listing, marked unpublished.
  const own = await as<{ unpublished: boolean }>(ann, 'GET', `/v1/marketplace/listings/${listing}`);
  expect(own.body.unpublished).toBe(true);
});

it("no answer to Bob or Carl held Ann's secret value, her variable's value or her agent's configuration", () => {
  expect(seenByOthers.length).toBeGreaterThan(30);
  const all = seenByOthers.join('\n');
  expect(all).not.toContain(ANN_SECRET);
  expect(all).not.toContain(ANN_AUDIENCE);
  expect(all).not.toContain(`${agents.url}/ann`);
});
