import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { RegistryModule } from './registry.module';

void startProcess({
  config: loadConfig(process.env),
  processName: 'registry',
  // The secrets store's names (never values): a publish may name only secrets its owner has.
  database: true,
  modules: [RegistryModule],
});
