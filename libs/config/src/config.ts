import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';

/**
 * Chainmail's configuration: read once from the environment at start, validated, then passed in.
 * Nothing below `main.ts` reads `process.env`.
 */
export class ChainmailConfig {
  @IsString()
  natsUrl = 'nats://127.0.0.1:4222';

  @IsString()
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/chainmail';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  httpPort = 8080;

  @IsString()
  httpHost = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  streamReplicas = 1;

  /** A folder of workflow definitions to publish at start (the shipped examples). */
  @IsOptional()
  @IsString()
  examplesDir?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  executionConcurrency = 64;

  /** How long a delivered commit may be worked on before another replica gets it (crash recovery). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  executionAckWaitMs = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxDefinitionBytes = 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxInputBytes = 1024 * 1024;

  /** OTLP/HTTP traces endpoint, e.g. http://jaeger:4318/v1/traces. Unset: spans are not exported. */
  @IsOptional()
  @IsString()
  otlpEndpoint?: string;

  @IsIn(['debug', 'info', 'warn', 'error'])
  logLevel: 'debug' | 'info' | 'warn' | 'error' = 'info';
}

const ENV_KEYS: Record<keyof ChainmailConfig, string> = {
  natsUrl: 'NATS_URL',
  databaseUrl: 'DATABASE_URL',
  httpPort: 'PORT',
  httpHost: 'HOST',
  streamReplicas: 'CHAINMAIL_STREAM_REPLICAS',
  examplesDir: 'CHAINMAIL_EXAMPLES_DIR',
  executionConcurrency: 'CHAINMAIL_EXECUTION_CONCURRENCY',
  executionAckWaitMs: 'CHAINMAIL_EXECUTION_ACK_WAIT_MS',
  maxDefinitionBytes: 'CHAINMAIL_MAX_DEFINITION_BYTES',
  maxInputBytes: 'CHAINMAIL_MAX_INPUT_BYTES',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  logLevel: 'CHAINMAIL_LOG_LEVEL',
};

export class ConfigInvalid extends Error {}

/** Builds the configuration from environment variables, with overrides (tests, the CLI). */
export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<ChainmailConfig> = {},
): ChainmailConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_KEYS)) {
    const value = env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(ChainmailConfig, { ...raw, ...overrides });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const envName = ENV_KEYS[e.property as keyof ChainmailConfig] ?? e.property;
      return `${envName}=${JSON.stringify(raw[e.property] ?? e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigInvalid(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
}
