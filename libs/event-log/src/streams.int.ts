import { removeEventLog, testNatsUrl, uniqueName } from '@chainmail/testing';
import { RetentionPolicy, StorageType, nanos, type NatsConnection } from 'nats';
import { connectNats } from './connection';
import { eventLogNames } from './names';
import { ensureStreams, streamConfigs } from './streams';

describe('ensureStreams', () => {
  const names = eventLogNames(uniqueName('streams'));
  let a: NatsConnection;
  let b: NatsConnection;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      connectNats(testNatsUrl(), 'streams-a'),
      connectNats(testNatsUrl(), 'streams-b'),
    ]);
  });
  afterAll(async () => {
    await removeEventLog(a, names);
    await Promise.all([a.close(), b.close()]);
  });

  it('creates the streams idempotently, concurrently from two connections and again', async () => {
    const [jsmA, jsmB] = await Promise.all([a.jetstreamManager(), b.jetstreamManager()]);
    await Promise.all([
      ensureStreams(jsmA, { replicas: 1, names }),
      ensureStreams(jsmB, { replicas: 1, names }),
    ]);
    await ensureStreams(jsmA, { replicas: 1, names });

    const runs = (await jsmA.streams.info(names.runEventsStream)).config;
    expect(runs).toMatchObject({
      subjects: [names.runSubjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      deny_delete: true,
      deny_purge: true,
      allow_direct: true,
      num_replicas: 1,
      duplicate_window: nanos(120_000),
    });
    expect((await jsmA.streams.info(names.definitionEventsStream)).config).toMatchObject({
      subjects: [names.definitionSubjects, names.agentSubjects, names.listingSubjects],
      deny_delete: true,
      deny_purge: true,
    });
    expect((await jsmA.streams.info(names.commandsStream)).config).toMatchObject({
      subjects: [names.commandSubjects],
      retention: RetentionPolicy.Workqueue,
    });
  });

  it('updates an existing stream to a new duplicate window', async () => {
    const jsm = await a.jetstreamManager();
    await ensureStreams(jsm, { replicas: 1, names, duplicateWindowMs: 30_000 });
    expect((await jsm.streams.info(names.runEventsStream)).config.duplicate_window).toBe(nanos(30_000));
    await ensureStreams(jsm, { replicas: 1, names });
    expect((await jsm.streams.info(names.runEventsStream)).config.duplicate_window).toBe(nanos(120_000));
  });

  it('adds the agent and listing subjects to a definition stream created before they existed, keeping its events', async () => {
    const jsm = await a.jetstreamManager();
    const old = eventLogNames(uniqueName('old'));
    const configs = streamConfigs({ replicas: 1, names: old });
    for (const config of configs) {
      const before =
        config.name === old.definitionEventsStream
          ? { ...config, subjects: [old.definitionSubjects] }
          : config;
      await jsm.streams.add(before);
    }
    const js = a.jetstream();
    await js.publish(old.definitionSubject('w'), new TextEncoder().encode('{}'));
    await expect(js.publish(old.agentSubject('research@'), new TextEncoder().encode('{}'))).rejects.toThrow();

    await ensureStreams(jsm, { replicas: 1, names: old });
    const info = await jsm.streams.info(old.definitionEventsStream);
    expect(info.config.subjects).toEqual([old.definitionSubjects, old.agentSubjects, old.listingSubjects]);
    expect(info.state.messages).toBe(1);
    const ack = await js.publish(old.agentSubject('research@'), new TextEncoder().encode('{}'));
    expect(ack.stream).toBe(old.definitionEventsStream);
    await removeEventLog(a, old);
  });

  it('never takes a subject away from an existing stream', async () => {
    const jsm = await a.jetstreamManager();
    const extra = `${names.namespace}.definitions-extra.*`;
    const current = (await jsm.streams.info(names.definitionEventsStream)).config;
    await jsm.streams.update(names.definitionEventsStream, {
      ...current,
      subjects: [...current.subjects, extra],
    });
    await ensureStreams(jsm, { replicas: 1, names });
    expect((await jsm.streams.info(names.definitionEventsStream)).config.subjects).toEqual([
      names.definitionSubjects,
      names.agentSubjects,
      names.listingSubjects,
      extra,
    ]);
  });

  it('refuses to delete or purge events, yet lets a whole stream be deleted', async () => {
    const js = a.jetstream();
    const jsm = await a.jetstreamManager();
    const ack = await js.publish(names.runSubject('r1'), new TextEncoder().encode('{}'));
    await expect(jsm.streams.deleteMessage(names.runEventsStream, ack.seq)).rejects.toThrow(/not permitted/);
    await expect(jsm.streams.purge(names.runEventsStream)).rejects.toThrow(/not permitted/);
    await expect(jsm.streams.purge(names.definitionEventsStream)).rejects.toThrow(/not permitted/);
    expect((await jsm.streams.info(names.runEventsStream)).state.messages).toBe(1);

    const scratch = eventLogNames(uniqueName('scratch'));
    await ensureStreams(jsm, { replicas: 1, names: scratch });
    expect(await jsm.streams.delete(scratch.runEventsStream)).toBe(true);
    await removeEventLog(a, scratch);
  });
});
