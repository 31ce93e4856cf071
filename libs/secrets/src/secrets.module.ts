import { Module } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import type { DataSource } from 'typeorm';
import { loadMasterKey } from './master-key';
import { SecretStore } from './secret-store';
import { VariableStore } from './variable-store';

/**
 * The secrets store and variables of a process with a database (without one, both are absent and
 * their users, injecting them as optional, do without). The master key is read once, here, at
 * start; a key that is set but malformed stops the start.
 */
@Module({
  providers: [
    {
      provide: SecretStore,
      inject: [{ token: DATA_SOURCE, optional: true }, CHAINMAIL_CONFIG],
      useFactory: (db: DataSource | undefined, config: ChainmailConfig) =>
        db === undefined ? undefined : new SecretStore(db, loadMasterKey(config)),
    },
    {
      provide: VariableStore,
      inject: [{ token: DATA_SOURCE, optional: true }],
      useFactory: (db: DataSource | undefined) => (db === undefined ? undefined : new VariableStore(db)),
    },
  ],
  exports: [SecretStore, VariableStore],
})
export class SecretsModule {}
