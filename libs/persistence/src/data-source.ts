import { DataSource } from 'typeorm';
import { InboundMessage } from './entities/inbound-message.entity';
import { CreateInboundMessages1732710000000 } from './migrations/1732710000000-create-inbound-messages';
import { RunView } from './entities/run-view.entity';
import { StepView } from './entities/step-view.entity';
import { CreateRunReadModels1732500000000 } from './migrations/1732500000000-create-run-read-models';
import { CreateDurableTimers1732600000000 } from './migrations/1732600000000-create-durable-timers';
import { Delivery } from './entities/delivery.entity';
import { CaughtMail } from './entities/caught-mail.entity';
import { CreateOutboundMail1732720000000 } from './migrations/1732720000000-create-outbound-mail';
import { CreateSchedules1732800000000 } from './migrations/1732800000000-create-schedules';
import { IDENTITY_ENTITIES } from '@chainmail/identity';
import { CreateIdentities1732910000000 } from './migrations/1732910000000-create-identities';
import { CreateSecretsAndVariables1732930000000 } from './migrations/1732930000000-create-secrets-and-variables';
import { IndexRunsByOwner1732950000000 } from './migrations/1732950000000-index-runs-by-owner';
import { ExtendRunReadModels1733000000000 } from './migrations/1733000000000-extend-run-read-models';
import { DebuggingRunViews1733150000000 } from './migrations/1733150000000-debugging-run-views';
import { CreateAnalyticsReadModels1733300000000 } from './migrations/1733300000000-create-analytics-read-models';
import { WaitingCheckpoints1733400000000 } from './migrations/1733400000000-waiting-checkpoints';
import { RunTraceIds1733460000000 } from './migrations/1733460000000-run-trace-ids';
import { ProjectRunBatchFunction1733500000000 } from './migrations/1733500000000-project-run-batch-function';

/**
 * Entities of the tables read or written through TypeORM (the identity tables' live with their
 * library), and the migrations of every table, for a parent that builds its own DataSource. Tables
 * written with hand-tuned SQL only (durable timers, schedule ticks and states, projection
 * checkpoints) have no entity: their migrations are their schema.
 */
export const PERSISTENCE_ENTITIES = [
  RunView,
  StepView,
  InboundMessage,
  Delivery,
  CaughtMail,
  ...IDENTITY_ENTITIES,
];
export const PERSISTENCE_MIGRATIONS = [
  CreateRunReadModels1732500000000,
  CreateDurableTimers1732600000000,
  CreateInboundMessages1732710000000,
  CreateOutboundMail1732720000000,
  CreateSchedules1732800000000,
  CreateIdentities1732910000000,
  CreateSecretsAndVariables1732930000000,
  IndexRunsByOwner1732950000000,
  ExtendRunReadModels1733000000000,
  DebuggingRunViews1733150000000,
  CreateAnalyticsReadModels1733300000000,
  WaitingCheckpoints1733400000000,
  RunTraceIds1733460000000,
  ProjectRunBatchFunction1733500000000,
];

/** An entity or migration class. */
export type PersistenceClass = new (...args: never[]) => unknown;

export interface CreateDataSourceOptions {
  /** Apply pending migrations (under the advisory lock) before returning. */
  migrationsRun?: boolean;
  /** More entities and migrations, for services that keep their own tables in the same database. */
  entities?: PersistenceClass[];
  migrations?: PersistenceClass[];
  poolSize?: number;
  applicationName?: string;
  logging?: boolean;
}

/** Builds and connects a DataSource for Chainmail's database. Schema changes only by migration. */
export async function createDataSource(
  databaseUrl: string,
  options: CreateDataSourceOptions = {},
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: [...PERSISTENCE_ENTITIES, ...(options.entities ?? [])],
    migrations: [...PERSISTENCE_MIGRATIONS, ...(options.migrations ?? [])],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // Our own `migrate` runs them, under a lock; TypeORM's `migrationsRun` takes none.
    migrationsRun: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'chainmail',
    logging: options.logging ?? false,
  });
  await dataSource.initialize();
  try {
    if (options.migrationsRun) await migrate(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** Arbitrary but fixed: every Chainmail process that migrates takes this one lock. */
const MIGRATION_LOCK_KEY = 7_305_846_512_938_001;

/**
 * Applies pending migrations. Safe to call from many processes at once: a session advisory lock
 * serialises them, and whoever comes second finds nothing left to apply.
 * Returns the names of the migrations this call applied.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}
