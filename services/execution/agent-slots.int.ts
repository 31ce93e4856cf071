import { AGENT_SLOTS_BUCKET } from '@chainmail/contracts';
import { eventLogNames } from '@chainmail/event-log';
import { testNatsUrl, uniqueName } from '@chainmail/testing';
import { connect, type NatsConnection } from 'nats';
import { KvAgentSlots, slotToken } from './agent-slots';

describe('KvAgentSlots against NATS', () => {
  let a: NatsConnection;
  let b: NatsConnection;
  const names = eventLogNames(uniqueName('slots'));

  beforeAll(async () => {
    // Two connections: two execution replicas sharing the bucket.
    a = await connect({ servers: testNatsUrl() });
    b = await connect({ servers: testNatsUrl() });
  });
  afterAll(async () => {
    await (
      await a.jetstreamManager()
    ).streams
      .delete(`KV_${names.stream(AGENT_SLOTS_BUCKET)}`)
      .catch(() => undefined);
    await a.close();
    await b.close();
  });

  it('gives out at most `limit` slots across replicas, and a released one again', async () => {
    const one = new KvAgentSlots(a, names);
    const two = new KvAgentSlots(b, names);
    const first = await one.acquire('research@mail-to-ai.com', 2, 'run-1/research/1/1');
    const second = await two.acquire('research@mail-to-ai.com', 2, 'run-2/research/1/1');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(await two.acquire('research@mail-to-ai.com', 2, 'run-3/research/1/1')).toBeUndefined();
    // Another agent has slots of its own.
    const other = await one.acquire('summarize@', 1, 'run-3/summarize/1/1');
    expect(other).toBeDefined();
    await first?.release();
    const third = await two.acquire('research@mail-to-ai.com', 2, 'run-3/research/1/1');
    expect(third).toBeDefined();
    await Promise.all([second?.release(), third?.release(), other?.release()]);
    one.close();
    two.close();
  });

  it('frees the slot of a holder that stopped renewing it, after the lease time', async () => {
    const short = eventLogNames(uniqueName('slots_ttl'));
    const dead = new KvAgentSlots(a, short, 1000);
    const alive = new KvAgentSlots(b, short, 1000);
    expect(await dead.acquire('model@', 1, 'crashed')).toBeDefined();
    dead.close(); // the replica is gone: nobody renews or releases
    expect(await alive.acquire('model@', 1, 'waiting')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1600));
    const lease = await alive.acquire('model@', 1, 'waiting');
    expect(lease).toBeDefined();
    await lease?.release();
    alive.close();
    await (await a.jetstreamManager()).streams.delete(`KV_${short.stream(AGENT_SLOTS_BUCKET)}`);
  });

  it('keeps a slot while its holder renews it past the lease time', async () => {
    const renewing = eventLogNames(uniqueName('slots_renew'));
    const holder = new KvAgentSlots(a, renewing, 900);
    const other = new KvAgentSlots(b, renewing, 900);
    const lease = await holder.acquire('model@', 1, 'long call');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await other.acquire('model@', 1, 'waiting')).toBeUndefined();
    await lease?.release();
    expect(await other.acquire('model@', 1, 'waiting')).toBeDefined();
    holder.close();
    other.close();
    await (await a.jetstreamManager()).streams.delete(`KV_${renewing.stream(AGENT_SLOTS_BUCKET)}`);
  });

  it('writes addresses as KV key tokens', () => {
    expect(slotToken('research@mail-to-ai.com')).toBe('research_40mail-to-ai_2ecom');
    expect(slotToken('a_b@')).toBe('a_5fb_40');
  });
});
