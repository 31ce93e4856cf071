export { testDatabaseUrl, testNatsUrl } from './test-env';
export { uniqueName } from './unique-name';
export { freePort } from './free-port';
export { createTestDatabase, type TestDatabase } from './test-database';
export { findNatsServer, startNatsServer, type NatsServerHandle } from './nats-server';
export { isolatedEventLog, removeEventLog, type IsolatedEventLog } from './isolated-event-log';
export { waitFor } from './wait-for';
export {
  FakeOidcProvider,
  type FakeOidcUser,
  type FakeTokenOptions,
  type SigningKey,
} from './fake-oidc-provider';
