import { DynamicModule, INestApplicationContext, Logger, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ChainmailConfig } from '@chainmail/config';
import { PlatformModule, type PlatformOptions } from './platform.module';

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
  return { module: ChainmailProcess, imports: [PlatformModule.forRoot(options), ...options.modules] };
}

/**
 * Starts one process: every service alone (`node dist/services/<name>/main.js`) and the all-in-one
 * process go through here. SIGTERM/SIGINT close it cleanly (consumers drain, NATS drains).
 */
export async function startProcess(options: ProcessOptions): Promise<INestApplicationContext> {
  const logger = LEVELS[options.config.logLevel];
  const root = processModule(options);
  let app: INestApplicationContext;
  if (options.http) {
    const web = await NestFactory.create<NestExpressApplication>(root, {
      logger,
      rawBody: true,
      bodyParser: false,
    });
    options.http(web, options.config);
    web.enableShutdownHooks();
    await web.listen(options.config.httpPort, options.config.httpHost);
    new Logger(options.processName).log(
      `listening on http://${options.config.httpHost}:${options.config.httpPort}`,
    );
    app = web;
  } else {
    app = await NestFactory.createApplicationContext(root, { logger });
    app.enableShutdownHooks();
  }
  return app;
}
