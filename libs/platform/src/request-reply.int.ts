import { Controller, Global, Module, UseFilters, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ChainmailError } from '@chainmail/contracts';
import { isolatedEventLog, type IsolatedEventLog } from '@chainmail/testing';
import { CodedRpcErrors, NatsRequestClient, serveRequests } from './request-reply';
import { EVENT_LOG_NAMES, NATS_CONNECTION } from './tokens';

/** Request/reply over Nest's NATS transport against the real NATS server, each suite in its namespace. */

@Controller()
@UseFilters(new CodedRpcErrors('echo', 'The echo service failed.'))
class EchoResponder {
  @MessagePattern('echo.say', { queue: 'echo' })
  say(@Payload() body: { text: string }): { heard: string } {
    return { heard: body.text };
  }

  @MessagePattern('echo.refuse', { queue: 'echo' })
  refuse(@Payload() body: { name: string }): never {
    throw new ChainmailError('WORKFLOW_NOT_FOUND', `no workflow named ${body.name}`, { name: body.name });
  }

  @MessagePattern('echo.crash', { queue: 'echo' })
  async crash(): Promise<never> {
    throw new Error('connection string postgres://secret@db leaked');
  }
}

async function serving(log: IsolatedEventLog): Promise<INestApplication> {
  @Global()
  @Module({
    providers: [
      { provide: NATS_CONNECTION, useValue: log.nc },
      { provide: EVENT_LOG_NAMES, useValue: log.names },
    ],
    exports: [NATS_CONNECTION, EVENT_LOG_NAMES],
  })
  class TestPlatform {}
  @Module({ imports: [TestPlatform], controllers: [EchoResponder] })
  class EchoProcess {}
  const app = await NestFactory.create(EchoProcess, { logger: false });
  await app.init();
  await serveRequests(app);
  return app;
}

let here: IsolatedEventLog;
let elsewhere: IsolatedEventLog;
let app: INestApplication;

beforeAll(async () => {
  [here, elsewhere] = await Promise.all([
    isolatedEventLog({ streams: false }),
    isolatedEventLog({ streams: false }),
  ]);
  app = await serving(here);
});

afterAll(async () => {
  await app?.close();
  await here?.cleanup();
  await elsewhere?.cleanup();
});

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: unknown) => err,
  );

describe('request/reply between services', () => {
  it('answers a request on the namespaced subject', async () => {
    const client = new NatsRequestClient(here.nc, here.names);
    await expect(client.ask('echo.say', { text: 'hi' }, 'echo')).resolves.toEqual({ heard: 'hi' });
  });

  it('brings a coded error back as the same ChainmailError, details included', async () => {
    const client = new NatsRequestClient(here.nc, here.names);
    const err = await failure(client.ask('echo.refuse', { name: 'nope' }, 'echo'));
    expect(err).toBeInstanceOf(ChainmailError);
    expect((err as ChainmailError).toJSON()).toEqual({
      code: 'WORKFLOW_NOT_FOUND',
      message: 'no workflow named nope',
      details: { name: 'nope' },
    });
  });

  it('answers any other failure INTERNAL, without its text', async () => {
    const client = new NatsRequestClient(here.nc, here.names);
    const err = (await failure(client.ask('echo.crash', {}, 'echo'))) as ChainmailError;
    expect(err.toJSON()).toEqual({ code: 'INTERNAL', message: 'The echo service failed.' });
  });

  it('is UNAVAILABLE, at once, when nobody serves the subject in this namespace', async () => {
    const client = new NatsRequestClient(elsewhere.nc, elsewhere.names);
    const started = Date.now();
    const err = (await failure(client.ask('echo.say', { text: 'hi' }, 'echo', 5_000))) as ChainmailError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('is the echo service running?');
    // No responders come back from the server; nothing waits for the timeout.
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
