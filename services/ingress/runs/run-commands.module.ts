import { Module } from '@nestjs/common';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { START_RUN_SUBJECT } from '@chainmail/contracts';
import { CommandBus, type EventLogNames } from '@chainmail/event-log';
import {
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  LOCAL_COMMANDS,
  NATS_CONNECTION,
  type LocalCommands,
} from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import { StartRunUseCase } from './start-run.usecase';

/**
 * How ingress sends run commands: one `CommandBus` and one `StartRunUseCase` for REST, webhooks
 * and inbound mail alike (starting runs in this process when execution runs in it).
 */
@Module({
  providers: [
    {
      provide: CommandBus,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new CommandBus(nc, names),
    },
    {
      provide: StartRunUseCase,
      inject: [DEFINITION_CATALOG, CommandBus, { token: LOCAL_COMMANDS, optional: true }],
      useFactory: (catalog: DefinitionCatalog, bus: CommandBus, local?: LocalCommands) =>
        new StartRunUseCase(catalog, bus, START_RUN_SUBJECT, local),
    },
  ],
  exports: [CommandBus, StartRunUseCase],
})
export class RunCommandsModule {}
