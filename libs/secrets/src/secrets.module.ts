import { Module } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import { loadMasterKey } from './master-key';
import { SecretStore } from './secret-store';
import { VariableStore } from './variable-store';

/**
 * The secrets store and variables of a process with a database. The master key is read once,
 * here, at start; a key that is set but malformed stops the start.
 */
@Module({
  providers: [
    {
      provide: SecretStore,
      inject: [DATA_SOURCE, CHAINMAIL_CONFIG],
      useFactory: (db: DataSource, config: ChainmailConfig) => new SecretStore(db, loadMasterKey(config)),
    },
    { provide: VariableStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new VariableStore(db) },
  ],
  exports: [SecretStore, VariableStore],
})
export class SecretsModule {}
