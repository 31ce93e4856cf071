import 'reflect-metadata';
import { loadConfig } from '@chainmail/config';
import { startProcess } from '@chainmail/platform';
import { configureIngressHttp } from './ingress.http';
import { IngressModule } from './ingress.module';

void startProcess({
  config: loadConfig(process.env),
  processName: 'ingress',
  database: true,
  modules: [IngressModule],
  http: configureIngressHttp,
});
