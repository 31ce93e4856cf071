import { Module } from '@nestjs/common';
import type { EventLogNames } from '@chainmail/event-log';
import { DATA_SOURCE, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import { SecretsModule, SecretStore, VariableStore } from '@chainmail/secrets';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { AuditRecorder } from '../identity/audit.recorder';
import { IdentityModule } from '../identity/identity.module';
import { VariablesController } from '../variables/variables.controller';
import { VariableChanges } from '../variables/variable-changes';
import { VariablesService } from '../variables/variables.service';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

/** `/v1/secrets` and `/v1/variables`: write-only secrets and versioned variables, per owner. */
@Module({
  imports: [SecretsModule, IdentityModule],
  controllers: [SecretsController, VariablesController],
  providers: [
    {
      provide: SecretsService,
      inject: [SecretStore, DATA_SOURCE, AuditRecorder],
      useFactory: (store: SecretStore, db: DataSource, audit: AuditRecorder) =>
        new SecretsService(store, db, audit),
    },
    {
      provide: VariablesService,
      inject: [VariableStore, DATA_SOURCE, AuditRecorder, NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (
        store: VariableStore,
        db: DataSource,
        audit: AuditRecorder,
        nc: NatsConnection,
        names: EventLogNames,
      ) => new VariablesService(store, db, audit, new VariableChanges(nc, names)),
    },
  ],
  exports: [SecretsModule],
})
export class SecretsApiModule {}
