// Its settings class is decorated (class-transformer): the metadata API must be there first.
import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayContains,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  validateSync,
  ValidateBy,
} from 'class-validator';

/** `true`/`1`/`yes` (any case) are true; everything else is false. */
const asBoolean = ({ value }: { value: unknown }): boolean =>
  value === true || (typeof value === 'string' && ['true', '1', 'yes'].includes(value.trim().toLowerCase()));

/** `a, b ,c` → `['a', 'b', 'c']`. */
const asList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : value;

/** `openid email, profile` → `['openid', 'email', 'profile']`: OAuth scopes are space separated, lists here comma separated. */
const asScopeList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(/[\s,]+/).filter((s) => s !== '') : value;

/** JSON text → its value; unreadable text stays text, for the validator to refuse. */
const asJson = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** `{"gpt-4o-mini": {"input": 0.15, "output": 0.6}}`: USD per million tokens, by model. */
function isPriceTable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((price: unknown) => {
    const p = price as { input?: unknown; output?: unknown } | null;
    return (
      typeof p === 'object' &&
      p !== null &&
      [p.input, p.output].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
    );
  });
}

/** What `CHAINMAIL_TRACE_URL_TEMPLATE` holds where the trace id goes. */
export const TRACE_ID_PLACEHOLDER = '{traceId}';

/** `http(s)://…{traceId}…`: a trace viewer's address with the place of the trace id. */
function isTraceUrlTemplate(value: unknown): boolean {
  if (typeof value !== 'string' || !value.includes(TRACE_ID_PLACEHOLDER)) return false;
  try {
    const url = new URL(value.replaceAll(TRACE_ID_PLACEHOLDER, '0'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** An absolute http(s) URL. */
function IsHttpUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^https?:$/.test(urlOf(value)?.protocol ?? ''),
      defaultMessage: () => 'must be an http:// or https:// URL, e.g. http://otel-collector:4318',
    },
  });
}

function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

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

  /** The built web console (`web/dist`) ingress serves at `/`. Default: the one beside the code, if built. */
  @IsOptional()
  @IsString()
  consoleDir?: string;

  /** The templates library's folder; unset: the `templates/` shipped with Chainmail. */
  @IsOptional()
  @IsString()
  templatesDir?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  executionConcurrency = 64;

  /**
   * How long a delivered commit or command may go unanswered before another replica (or the
   * restarted process) gets it: how soon runs go on after a crash. A live replica heartbeats
   * while it works, so a long agent call does not need a long wait.
   */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  executionAckWaitMs = 2_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxDefinitionBytes = 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxInputBytes = 1024 * 1024;

  /** Inbound SMTP port (host: HOST); 0 turns the SMTP server off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  smtpPort = 2525;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxMailBytes = 25 * 1024 * 1024;

  /** Who may trigger an email workflow whose trigger has no `allow`: comma list (`*@acme.example`, `jane@acme.example`); empty: anyone. */
  @IsString()
  mailAllow = '';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  maxWebhookBytes = 1024 * 1024;

  /** How long a `sync` run (or `?wait=true`) holds the HTTP request before answering 202 "running". */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  syncWaitMs = 30_000;

  /**
   * Operator secrets, `CHAINMAIL_SECRET_<NAME>`: read only by agents the operator's own configuration
   * binds (`CHAINMAIL_MODEL_URL`'s `MODEL_API_KEY`). Users' secrets live in the encrypted store. Never logged.
   */
  @IsObject()
  secretValues: Record<string, string> = {};

  /** The secrets store's master key: 32 bytes, base64. Never logged. */
  @IsOptional()
  @IsString()
  masterKey?: string;

  /** A file holding the master key (base64, e.g. a mounted Kubernetes Secret); read once at start. */
  @IsOptional()
  @IsString()
  masterKeyFile?: string;

  /**
   * Port of `/metrics` (Prometheus) for a process that serves no HTTP of its own (execution,
   * projector, registry, scheduling, notification run alone). Unset: such a process serves none;
   * ingress and the all-in-one process serve `/metrics` on their HTTP port.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  metricsPort?: number;

  /*
   * Tracing: the standard OpenTelemetry variables, read by the SDK and its OTLP exporters (which
   * also read OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT, _COMPRESSION, OTEL_TRACES_SAMPLER(_ARG),
   * OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*). Checked here so a wrong value stops the start with its
   * name; `traceExport` says what is exported.
   */

  /** `OTEL_SDK_DISABLED=true`: no tracing at all, whatever else is set. */
  @Transform(asBoolean)
  @IsBoolean()
  otelSdkDisabled = false;

  /** `otlp`, `console` or `none` (a comma list). Unset: `otlp` when an OTLP endpoint is set, else none. */
  @IsOptional()
  @Transform(asList)
  @IsIn(TRACE_EXPORTERS, { each: true })
  tracesExporter?: TraceExporterName[];

  /** `http/protobuf` (the default), `http/json` or `grpc`; the TRACES_ variable wins. */
  @IsOptional()
  @IsIn(OTLP_PROTOCOLS)
  otlpProtocol?: OtlpProtocol;

  @IsOptional()
  @IsIn(OTLP_PROTOCOLS)
  otlpTracesProtocol?: OtlpProtocol;

  /** The collector's base URL (`http://collector:4318`): the HTTP exporters add `/v1/traces`. */
  @IsOptional()
  @IsHttpUrl()
  otlpEndpoint?: string;

  /**
   * A trace viewer's page of one trace, `{traceId}` standing for the id, e.g.
   * http://localhost:16686/trace/{traceId} (Jaeger). Set: the console's run page links to the
   * run's trace. Unset: no link.
   */
  @IsOptional()
  @ValidateBy({
    name: 'isTraceUrlTemplate',
    validator: {
      validate: isTraceUrlTemplate,
      defaultMessage: () =>
        `must be an http(s) URL with ${TRACE_ID_PLACEHOLDER} where the trace id goes, e.g. http://localhost:16686/trace/${TRACE_ID_PLACEHOLDER}`,
    },
  })
  traceUrlTemplate?: string;

  /** The traces URL as is (`http://collector:4318/v1/traces`); wins over `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  @IsOptional()
  @IsHttpUrl()
  @ValidateBy({
    name: 'isTracesUrl',
    validator: {
      // The HTTP exporters post to this very URL: a bare host would lose every span to a 404.
      validate: (value: unknown, args) =>
        otlpTracesProtocol(args?.object as ChainmailConfig) === 'grpc' ||
        (typeof value === 'string' && (urlOf(value)?.pathname ?? '/') !== '/'),
      defaultMessage: () =>
        'is used as is: give the whole traces URL (http://otel-collector:4318/v1/traces), ' +
        'or set OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 instead',
    },
  })
  otlpTracesEndpoint?: string;

  @IsIn(['debug', 'info', 'warn', 'error'])
  logLevel: 'debug' | 'info' | 'warn' | 'error' = 'info';

  /** `text` (human lines, the default) or `json`: one JSON object a line, with the trace and span ids. */
  @IsIn(['text', 'json'])
  logFormat: 'text' | 'json' = 'text';

  /**
   * A file the process touches every few seconds while its NATS connection is open: the liveness
   * signal of a service without HTTP (containers and Kubernetes probe it with `bin/healthcheck.js`).
   */
  @IsOptional()
  @IsString()
  heartbeatFile?: string;

  /** Outbound mail server as a URL: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://… (TLS). */
  @IsOptional()
  @IsString()
  smtpOutUrl?: string;

  /** Outbound mail server by parts, when no URL is given. Neither set: mail is recorded as not sent. */
  @IsOptional()
  @IsString()
  smtpOutHost?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  smtpOutPort = 587;

  /** TLS from the first byte (port 465); false still upgrades with STARTTLS when the server offers it. */
  @Transform(asBoolean)
  @IsBoolean()
  smtpOutSecure = false;

  @IsOptional()
  @IsString()
  smtpOutUser?: string;

  @IsOptional()
  @IsString()
  smtpOutPass?: string;

  /** The From of every notification mail. */
  @IsString()
  mailFrom = 'Chainmail <chainmail@chainmail.local>';

  /** Domain of Chainmail's own Message-IDs (`<runId.done@domain>`). */
  @IsString()
  mailDomain = 'chainmail.local';

  /** Key of the HMAC-SHA256 `X-Chainmail-Signature` on outbound webhooks. Unset: they go unsigned. */
  @IsOptional()
  @IsString()
  webhookSecret?: string;

  /** The API's address as users reach it, for links in mails. Default: http://HOST:PORT. */
  @IsOptional()
  @IsString()
  publicUrl?: string;

  /** Run the local mail catcher (all-in-one only): an SMTP sink whose mail `/mailbox` shows. */
  @Transform(asBoolean)
  @IsBoolean()
  mailCatcher = false;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  catcherSmtpPort = 1025;

  /** Model prices for the cost recorded on steps: USD per million tokens, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}. */
  @Transform(asJson)
  @ValidateBy({
    name: 'isPriceTable',
    validator: {
      validate: isPriceTable,
      defaultMessage: () =>
        'must be JSON like {"gpt-4o-mini":{"input":0.15,"output":0.6}} (USD per million tokens)',
    },
  })
  modelPrices: Record<string, { input: number; output: number }> = {};

  /** Lets openai and http agents reach loopback, private and link-local addresses (SSRF guard off). */
  @Transform(asBoolean)
  @IsBoolean()
  agentAllowPrivate = false;

  /** Hosts (`ollama.internal`, `*.corp.example`) and addresses or CIDRs (`10.0.0.0/8`) agents may reach although private. */
  @Transform(asList)
  @IsString({ each: true })
  agentAllowedHosts: string[] = [];

  /** An OpenAI-compatible endpoint: set, the example agents (research@, summarize@, write-report@, proofread@) are bound to it at start. */
  @IsOptional()
  @IsString()
  modelUrl?: string;

  /** The model those agents use. */
  @IsString()
  modelName = 'gpt-4o-mini';

  /** How long an email agent's step waits for the reply when the step has no `timeout` of its own (default 24 h). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  agentMailTimeoutMs = 86_400_000;

  /** Where replies to email agents' mails go (their Reply-To), received by ingress's SMTP. Default: agent-replies@<CHAINMAIL_MAIL_DOMAIN>. */
  @IsOptional()
  @IsString()
  agentReplyTo?: string;

  /** Where replies to checkpoint mails go (their Reply-To), received by ingress's SMTP. Default: approvals@<CHAINMAIL_MAIL_DOMAIN>. */
  @IsOptional()
  @IsString()
  approvalReplyTo?: string;

  /** The key approval links are signed with (HMAC-SHA256). Unset: derived from the master key; neither: mails carry no links. Never logged. */
  @IsOptional()
  @IsString()
  approvalLinkKey?: string;

  /** How long an approval link works when its checkpoint has no earlier deadline (default 7 days). */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  approvalLinkTtlMs = 7 * 86_400_000;

  /** The admin API token (`cm_<16 hex>_<secret>`) to ensure at start; unset: one is generated at first start and logged once. Never logged otherwise. */
  @IsOptional()
  @IsString()
  adminToken?: string;

  /** Requests per minute per token (or per address for failed sign-ins); 429 with Retry-After past it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  rateLimitPerMinute = 6000;

  /** OpenID Connect: set, JWTs from this issuer (its `iss`, exactly) are accepted as well as API tokens. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  oidcIssuer?: string;

  /** The console's client at the issuer (public, Authorization Code with PKCE); its ID tokens carry it as `aud`. */
  @IsOptional()
  @IsString()
  oidcClientId?: string;

  /** Another `aud` accepted besides the client id: the audience of access tokens issued for Chainmail's API. */
  @IsOptional()
  @IsString()
  oidcAudience?: string;

  /** What the console asks the issuer for (space or comma separated; `openid` first of all, `email` to be matched to a user). */
  @Transform(asScopeList)
  @IsString({ each: true })
  @ArrayContains(['openid'], {
    message:
      'must include openid (it lists the OpenID Connect scopes the console asks for, e.g. "openid email profile")',
  })
  oidcScopes: string[] = ['openid', 'email', 'profile'];

  /** `member`: a sign-in that matches no user creates one (not an admin); `off`: only users an admin made sign in. */
  @IsIn(['off', 'member'])
  oidcAutoCreate: 'off' | 'member' = 'off';

  /** The issuer's JWKS; unset: taken from `<issuer>/.well-known/openid-configuration`. */
  @IsOptional()
  @IsString()
  oidcJwksUrl?: string;

  /** The claim that names the user at the issuer (with the issuer, the identity a user is linked to). */
  @IsString()
  oidcUserClaim = 'sub';

  /** The claim that lists the user's groups: each becomes a team the user is a member of. */
  @IsString()
  oidcTeamsClaim = 'groups';

  /** The role a user gets on a team that its groups claim names (existing roles are kept). */
  @IsIn(['owner', 'editor', 'runner', 'viewer'])
  oidcDefaultRole: 'owner' | 'editor' | 'runner' | 'viewer' = 'viewer';

  /** Groups whose members are admins; set, a sign-in makes its user an admin or not by them. */
  @Transform(asList)
  @IsString({ each: true })
  oidcAdminGroups: string[] = [];
}

/** `CHAINMAIL_SECRET_HOOK_KEY=…` is the value of `{{secrets.HOOK_KEY}}`. */
const SECRET_PREFIX = 'CHAINMAIL_SECRET_';

const ENV_KEYS: Record<keyof ChainmailConfig, string> = {
  natsUrl: 'NATS_URL',
  databaseUrl: 'DATABASE_URL',
  httpPort: 'PORT',
  httpHost: 'HOST',
  streamReplicas: 'CHAINMAIL_STREAM_REPLICAS',
  examplesDir: 'CHAINMAIL_EXAMPLES_DIR',
  consoleDir: 'CHAINMAIL_CONSOLE_DIR',
  templatesDir: 'CHAINMAIL_TEMPLATES_DIR',
  executionConcurrency: 'CHAINMAIL_EXECUTION_CONCURRENCY',
  executionAckWaitMs: 'CHAINMAIL_EXECUTION_ACK_WAIT_MS',
  maxDefinitionBytes: 'CHAINMAIL_MAX_DEFINITION_BYTES',
  maxInputBytes: 'CHAINMAIL_MAX_INPUT_BYTES',
  smtpPort: 'CHAINMAIL_SMTP_PORT',
  maxMailBytes: 'CHAINMAIL_MAX_MAIL_BYTES',
  mailAllow: 'CHAINMAIL_MAIL_ALLOW',
  maxWebhookBytes: 'CHAINMAIL_MAX_WEBHOOK_BYTES',
  syncWaitMs: 'CHAINMAIL_SYNC_WAIT_MS',
  secretValues: `${SECRET_PREFIX}*`,
  masterKey: 'CHAINMAIL_MASTER_KEY',
  masterKeyFile: 'CHAINMAIL_MASTER_KEY_FILE',
  otelSdkDisabled: 'OTEL_SDK_DISABLED',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  otlpProtocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  otlpTracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  traceUrlTemplate: 'CHAINMAIL_TRACE_URL_TEMPLATE',
  metricsPort: 'CHAINMAIL_METRICS_PORT',
  logLevel: 'CHAINMAIL_LOG_LEVEL',
  logFormat: 'CHAINMAIL_LOG_FORMAT',
  heartbeatFile: 'CHAINMAIL_HEARTBEAT_FILE',
  smtpOutUrl: 'CHAINMAIL_SMTP_OUT_URL',
  smtpOutHost: 'CHAINMAIL_SMTP_OUT_HOST',
  smtpOutPort: 'CHAINMAIL_SMTP_OUT_PORT',
  smtpOutSecure: 'CHAINMAIL_SMTP_OUT_SECURE',
  smtpOutUser: 'CHAINMAIL_SMTP_OUT_USER',
  smtpOutPass: 'CHAINMAIL_SMTP_OUT_PASS',
  mailFrom: 'CHAINMAIL_MAIL_FROM',
  mailDomain: 'CHAINMAIL_MAIL_DOMAIN',
  webhookSecret: 'CHAINMAIL_WEBHOOK_SECRET',
  publicUrl: 'CHAINMAIL_PUBLIC_URL',
  mailCatcher: 'CHAINMAIL_MAIL_CATCHER',
  catcherSmtpPort: 'CHAINMAIL_CATCHER_SMTP_PORT',
  modelPrices: 'CHAINMAIL_MODEL_PRICES',
  agentAllowPrivate: 'CHAINMAIL_AGENT_ALLOW_PRIVATE',
  agentAllowedHosts: 'CHAINMAIL_AGENT_ALLOWED_HOSTS',
  modelUrl: 'CHAINMAIL_MODEL_URL',
  modelName: 'CHAINMAIL_MODEL_NAME',
  agentMailTimeoutMs: 'CHAINMAIL_AGENT_MAIL_TIMEOUT_MS',
  agentReplyTo: 'CHAINMAIL_AGENT_REPLY_TO',
  approvalReplyTo: 'CHAINMAIL_APPROVAL_REPLY_TO',
  approvalLinkKey: 'CHAINMAIL_APPROVAL_LINK_KEY',
  approvalLinkTtlMs: 'CHAINMAIL_APPROVAL_LINK_TTL_MS',
  adminToken: 'CHAINMAIL_ADMIN_TOKEN',
  rateLimitPerMinute: 'CHAINMAIL_RATE_LIMIT_PER_MINUTE',
  oidcIssuer: 'CHAINMAIL_OIDC_ISSUER',
  oidcClientId: 'CHAINMAIL_OIDC_CLIENT_ID',
  oidcAudience: 'CHAINMAIL_OIDC_AUDIENCE',
  oidcJwksUrl: 'CHAINMAIL_OIDC_JWKS_URL',
  oidcUserClaim: 'CHAINMAIL_OIDC_USER_CLAIM',
  oidcTeamsClaim: 'CHAINMAIL_OIDC_TEAMS_CLAIM',
  oidcDefaultRole: 'CHAINMAIL_OIDC_DEFAULT_ROLE',
  oidcScopes: 'CHAINMAIL_OIDC_SCOPES',
  oidcAutoCreate: 'CHAINMAIL_OIDC_AUTO_CREATE',
  oidcAdminGroups: 'CHAINMAIL_OIDC_ADMIN_GROUPS',
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
  raw.secretValues = secretValues(env);
  const config = plainToInstance(ChainmailConfig, { ...raw, ...overrides });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const envName = ENV_KEYS[e.property as keyof ChainmailConfig] ?? e.property;
      return `${envName}=${JSON.stringify(raw[e.property] ?? e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigInvalid(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const oidcProblem = halfConfiguredOidc(config);
  if (oidcProblem !== undefined) throw new ConfigInvalid(`Invalid configuration:\n  ${oidcProblem}`);
  return config;
}

/** Single sign-on needs its issuer and something to accept (the console's client id, or an audience); the rest without an issuer is a mistake. */
function halfConfiguredOidc(config: ChainmailConfig): string | undefined {
  if (config.oidcIssuer === undefined) {
    const stray = (['oidcClientId', 'oidcAudience', 'oidcJwksUrl'] as const).find(
      (key) => config[key] !== undefined,
    );
    return stray === undefined
      ? undefined
      : `${ENV_KEYS[stray]} is set without CHAINMAIL_OIDC_ISSUER: set the issuer (its URL, exactly as its tokens' "iss") or unset ${ENV_KEYS[stray]}.`;
  }
  if (config.oidcClientId === undefined && config.oidcAudience === undefined) {
    return 'CHAINMAIL_OIDC_ISSUER is set without CHAINMAIL_OIDC_CLIENT_ID: set the client id the console signs in with at that issuer (or CHAINMAIL_OIDC_AUDIENCE alone to accept access tokens for that audience, without a console sign-in).';
  }
  return undefined;
}

/** Single sign-on as the server applies it; undefined when `CHAINMAIL_OIDC_ISSUER` is unset. */
export interface OidcSettings {
  issuer: string;
  /** The console's client; unset, JWTs are accepted for `audiences` but the console has no sign-in button. */
  clientId?: string;
  /** Every `aud` accepted: the client id (the console's ID tokens) and `CHAINMAIL_OIDC_AUDIENCE` (access tokens). */
  audiences: string[];
  /** The scopes the console asks for. */
  scopes: string[];
  /** A sign-in that matches no user creates one (a member, not an admin). */
  autoCreate: boolean;
  jwksUrl?: string;
  userClaim: string;
  teamsClaim: string;
  defaultRole: ChainmailConfig['oidcDefaultRole'];
  adminGroups: string[];
}

/** The one reading of the `CHAINMAIL_OIDC_*` settings (checked whole by `loadConfig`). */
export function oidcSettings(config: ChainmailConfig): OidcSettings | undefined {
  if (config.oidcIssuer === undefined) return undefined;
  const audiences = [config.oidcClientId, config.oidcAudience].filter((a): a is string => a !== undefined);
  return {
    issuer: config.oidcIssuer,
    clientId: config.oidcClientId,
    audiences: [...new Set(audiences)],
    scopes: config.oidcScopes,
    autoCreate: config.oidcAutoCreate === 'member',
    jwksUrl: config.oidcJwksUrl,
    userClaim: config.oidcUserClaim,
    teamsClaim: config.oidcTeamsClaim,
    defaultRole: config.oidcDefaultRole,
    adminGroups: config.oidcAdminGroups,
  };
}

/** What the process exports its spans with: none, or `otlp` over a protocol, and/or `console`. */
export interface TraceExport {
  readonly exporters: readonly ('otlp' | 'console')[];
  readonly protocol: OtlpProtocol;
}

/**
 * The exporters the tracing variables ask for. Unlike the SDK's own default, nothing is sent
 * unless asked: `OTEL_TRACES_EXPORTER`, or else an OTLP endpoint, turns export on (a process
 * without a collector would otherwise post to localhost:4318 every few seconds, in vain).
 */
export function traceExport(config: ChainmailConfig): TraceExport {
  const protocol = otlpTracesProtocol(config);
  if (config.otelSdkDisabled) return { exporters: [], protocol };
  const named = config.tracesExporter ?? [];
  if (named.includes('none')) return { exporters: [], protocol };
  if (named.length > 0) return { exporters: [...new Set(named as ('otlp' | 'console')[])], protocol };
  const endpoint = config.otlpTracesEndpoint ?? config.otlpEndpoint;
  return { exporters: endpoint === undefined ? [] : ['otlp'], protocol };
}

function otlpTracesProtocol(
  config: Pick<ChainmailConfig, 'otlpProtocol' | 'otlpTracesProtocol'>,
): OtlpProtocol {
  return config.otlpTracesProtocol ?? config.otlpProtocol ?? 'http/protobuf';
}

function secretValues(env: Record<string, string | undefined>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(SECRET_PREFIX) && name.length > SECRET_PREFIX.length && value !== undefined) {
      values[name.slice(SECRET_PREFIX.length)] = value;
    }
  }
  return values;
}

/** The address replies to email agents' mails are sent to (and ingress accepts them at). */
export function agentReplyAddress(config: Pick<ChainmailConfig, 'agentReplyTo' | 'mailDomain'>): string {
  return (config.agentReplyTo ?? `agent-replies@${config.mailDomain}`).trim().toLowerCase();
}

/** The address replies to checkpoint mails are sent to (and ingress accepts them at). */
export function approvalReplyAddress(
  config: Pick<ChainmailConfig, 'approvalReplyTo' | 'mailDomain'>,
): string {
  return (config.approvalReplyTo ?? `approvals@${config.mailDomain}`).trim().toLowerCase();
}

/** The outbound SMTP server's connection options, for nodemailer; undefined when none is configured. */
export interface SmtpOutOptions {
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
}

/** `CHAINMAIL_SMTP_OUT_URL`, else HOST/PORT/SECURE/USER/PASS: the one reading of the outbound server settings. */
export function smtpOutOptions(
  config: Pick<
    ChainmailConfig,
    'smtpOutUrl' | 'smtpOutHost' | 'smtpOutPort' | 'smtpOutSecure' | 'smtpOutUser' | 'smtpOutPass'
  >,
): SmtpOutOptions | undefined {
  if (config.smtpOutUrl) return { url: config.smtpOutUrl };
  if (!config.smtpOutHost) return undefined;
  return {
    host: config.smtpOutHost,
    port: config.smtpOutPort,
    secure: config.smtpOutSecure,
    ...(config.smtpOutUser ? { auth: { user: config.smtpOutUser, pass: config.smtpOutPass ?? '' } } : {}),
  };
}
