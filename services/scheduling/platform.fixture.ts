import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DefinitionCatalog } from '@chainmail/catalog';
import {
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import { createTelemetry } from '@chainmail/telemetry';
import type { IsolatedEventLog } from '@chainmail/testing';
import type { DataSource } from 'typeorm';

/**
 * Test support: stands in for the PlatformModule, with what one scheduling process shares: the
 * connection, names and DataSource, and a definition catalog the test folds events into itself.
 */
@Global()
@Module({})
export class TestPlatformModule {
  static with(
    log: IsolatedEventLog,
    dataSource: DataSource,
    catalog: DefinitionCatalog = new DefinitionCatalog(),
  ): DynamicModule {
    const providers = [
      { provide: NATS_CONNECTION, useValue: log.nc },
      { provide: EVENT_LOG_NAMES, useValue: log.names },
      { provide: DATA_SOURCE, useValue: dataSource },
      { provide: DEFINITION_CATALOG, useValue: catalog },
      { provide: TELEMETRY, useValue: createTelemetry() },
    ];
    return { module: TestPlatformModule, providers, exports: providers.map((p) => p.provide) };
  }
}

export const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
