import { DynamicModule, INestApplicationContext, Logger, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ChainmailConfig } from '@chainmail/config';
import { writeFileSync } from 'node:fs';
import type { NatsConnection } from 'nats';
import { PlatformModule, type PlatformOptions } from './platform.module';
import { JsonLogger } from './json-logger';
import { NATS_CONNECTION } from './tokens';
import { serveRequests } from './request-reply';

export interface ProcessOptions extends PlatformOptions {
  /** The service modules this process hosts. */
  modules: (Type<unknown> | DynamicModule)[];
  /** Set by a process that serves HTTP (ingress): configures the app before it listens. */
  http?: (app: NestExpressApplication, config: ChainmailConfig) => void;
}

const LEVELS: Record<ChainmailConfig['logLevel'], LogLevel[]> = {
  debug: ['error', 'warn', 'log', 'debug', 'verbose'],
  info: ['error', 'warn', 'log'],
  warn: ['error', 'warn'],
  error: ['error'],
};

/** The process root: the platform plus the chosen service modules. */
export function processModule(options: ProcessOptions): DynamicModule {
  class ChainmailProcess {}
  return {
    module: ChainmailProcess,
    imports: [
      PlatformModule.forRoot({ ...options, servesHttp: options.http !== undefined }),
      ...options.modules,
    ],
  };
}

/**
 * Starts one process: every service alone (`node dist/services/<name>/main.js`) and the all-in-one
 * process go through here. Each is a hybrid Nest app: request/reply handlers (`@MessagePattern`)
 * answer over NATS, and a process that serves HTTP (ingress) listens too. SIGTERM/SIGINT close it
 * cleanly (request handlers stop, consumers drain, NATS drains).
 */
export async function startProcess(options: ProcessOptions): Promise<INestApplicationContext> {
  const levels = LEVELS[options.config.logLevel];
  const logger = options.config.logFormat === 'json' ? new JsonLogger(options.processName, levels) : levels;
  const root = processModule(options);
  if (!options.http) {
    const app = await NestFactory.create(root, { logger });
    app.enableShutdownHooks();
    await app.init();
    await serveRequests(app);
    beatWhileConnected(app, options.config.heartbeatFile);
    return app;
  }
  const web = await NestFactory.create<NestExpressApplication>(root, {
    logger,
    rawBody: true,
    bodyParser: false,
  });
  options.http(web, options.config);
  web.enableShutdownHooks();
  // Bootstrapped (catalogs live, consumers started) before answering requests or HTTP.
  await web.init();
  await serveRequests(web);
  beatWhileConnected(web, options.config.heartbeatFile);
  await web.listen(options.config.httpPort, options.config.httpHost);
  new Logger(options.processName).log(
    `listening on http://${options.config.httpHost}:${options.config.httpPort}`,
  );
  return web;
}

const HEARTBEAT_MS = 5_000;

/** Touches `file` every few seconds while the NATS connection is open (a probe reads its age). */
function beatWhileConnected(app: INestApplicationContext, file: string | undefined): void {
  if (file === undefined || file === '') return;
  const nats = app.get<NatsConnection>(NATS_CONNECTION);
  const beat = (): void => {
    if (nats.isClosed()) return;
    try {
      writeFileSync(file, `${new Date().toISOString()}\n`);
    } catch (err) {
      new Logger('health').warn(`cannot write the heartbeat file ${file}: ${(err as Error).message}`);
    }
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  void nats.closed().then(() => clearInterval(timer));
}
