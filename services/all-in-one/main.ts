import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { allServiceModules } from './all-services';
import { configureIngressHttp } from '../ingress/ingress.http';

/** Every service in one process: the local install and the benchmark. */
void startProcess({
  config: loadConfig(process.env),
  processName: 'chainmail',
  database: true,
  modules: allServiceModules(),
  http: configureIngressHttp,
});
