import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { ExecutionModule } from './execution.module';

void startProcess({
  config: loadConfig(process.env),
  processName: 'execution',
  // Team memberships of runs' owners decide which sub-workflows a run may start.
  database: true,
  modules: [ExecutionModule],
});
