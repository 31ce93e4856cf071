import { ApiError, ChainmailApi } from './api-client';
import type { WireRunEvent } from './api-types';
import { FakeApiServer, sendSse, sseFrames } from './test/fake-api-server';
import { RUN_ID, succeededRun } from './test/run-events.fixture';

const EVENTS_PATH = `/v1/runs/${RUN_ID}/events`;

async function collect(api: ChainmailApi): Promise<WireRunEvent[]> {
  const out: WireRunEvent[] = [];
  for await (const event of api.followRunEvents(RUN_ID)) out.push(event);
  return out;
}

describe('ChainmailApi.followRunEvents', () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('reopens a closed stream with Last-Event-ID and continues after it', async () => {
    let connections = 0;
    server = await FakeApiServer.start({
      [`GET ${EVENTS_PATH}`]: (req, res) => {
        connections += 1;
        const from = req.headers['last-event-id'] === undefined ? 0 : Number(req.headers['last-event-id']);
        const upTo = connections === 1 ? 2 : succeededRun.length;
        const frames = succeededRun
          .slice(from, upTo)
          .map((e, i) => `id: ${from + i + 1}\ndata: ${JSON.stringify(e)}\n\n`);
        return sendSse(res, frames);
      },
    });
    const api = new ChainmailApi(server.url, { reconnectDelayMs: 1 });

    expect(await collect(api)).toEqual(succeededRun);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2']);
  });

  it('without ids, skips what it has already seen when the server replays from the start', async () => {
    let connections = 0;
    server = await FakeApiServer.start({
      [`GET ${EVENTS_PATH}`]: (_req, res) => {
        connections += 1;
        return sendSse(res, sseFrames(connections === 1 ? succeededRun.slice(0, 3) : succeededRun));
      },
    });

    expect(await collect(new ChainmailApi(server.url, { reconnectDelayMs: 1 }))).toEqual(succeededRun);
  });

  it('gives up when the stream keeps closing without news', async () => {
    server = await FakeApiServer.start({
      [`GET ${EVENTS_PATH}`]: (_req, res) => sendSse(res, [': nothing\n\n']),
    });
    const api = new ChainmailApi(server.url, { reconnectDelayMs: 1, reconnects: 2 });

    await expect(collect(api)).rejects.toMatchObject({ code: 'STREAM_CLOSED' });
    expect(server.requests).toHaveLength(3);
  });

  it('turns an `event: error` message into an ApiError', async () => {
    const frame = `event: error\ndata: ${JSON.stringify({ error: { code: 'RUN_NOT_FOUND', message: 'gone' } })}\n\n`;
    server = await FakeApiServer.start({ [`GET ${EVENTS_PATH}`]: (_req, res) => sendSse(res, [frame]) });

    const failure = collect(new ChainmailApi(server.url));
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: 'gone' });
  });

  it('rejects an event without the fields every run event has', async () => {
    server = await FakeApiServer.start({
      [`GET ${EVENTS_PATH}`]: (_req, res) => sendSse(res, ['data: {"type":"StepStarted"}\n\n']),
    });

    await expect(collect(new ChainmailApi(server.url))).rejects.toThrow(
      'expected event.runId to be a string',
    );
  });
});
