/** Placeholder replaced by the testing library: checks NATS and Postgres are reachable. */
export default async function globalSetup(): Promise<void> {}
