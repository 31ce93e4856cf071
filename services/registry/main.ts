import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { RegistryModule } from './registry.module';

void startProcess({
  config: loadConfig(process.env),
  processName: 'registry',
  database: false,
  modules: [RegistryModule],
});
