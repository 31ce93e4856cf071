import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from './render';

/**
 * docker-compose.yml, checked statically (no Docker engine here): it validates against the Compose
 * Specification's JSON schema (vendored in schemas/), and it is the whole system the issue asks for.
 */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// The schema is draft-07, named by its https address, which Ajv (draft-07 by default) does not know by that name.
const { $schema: _draft, ...schema } = JSON.parse(
  readFileSync(join(__dirname, 'schemas', 'compose-spec.json'), 'utf8'),
) as Record<string, unknown>;
const validator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);

function load(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}
function problems(file: unknown): string[] {
  return validator(file) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

const compose = load(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'));
const CHAINMAIL = ['ingress', 'execution', 'projector', 'registry', 'scheduling', 'notification'];

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(problems(compose)).toEqual([]);
  });

  it('runs each Chainmail service as its own container from one image, with a health check', () => {
    const images = new Set(CHAINMAIL.map((name) => compose.services[name]?.image));
    expect([...images]).toEqual(['chainmail:local']);
    for (const name of CHAINMAIL) {
      const service = compose.services[name];
      expect([name, service?.environment?.CHAINMAIL_SERVICE]).toEqual([name, name]);
      expect([name, service?.healthcheck?.test]).toEqual([name, ['CMD', 'node', 'bin/healthcheck.js']]);
    }
    expect(compose.services.ingress.ports).toEqual(expect.arrayContaining(['8080:8080', '2525:2525']));
  });

  it('has NATS with JetStream on a volume, Postgres, Jaeger, Prometheus, Grafana with the infra/ dashboards, and Mailpit both ways', () => {
    const { nats, postgres, jaeger, prometheus, grafana, mailpit } = compose.services;
    expect(nats.command).toEqual(expect.arrayContaining(['-js', '-sd', '/data']));
    expect(nats.volumes).toEqual(['nats-data:/data']);
    expect(nats.healthcheck).toBeDefined();
    expect(postgres.healthcheck).toBeDefined();
    expect(jaeger.environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(prometheus.volumes).toEqual([
      './infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    ]);
    expect(grafana.volumes).toEqual([
      './infra/grafana/provisioning:/etc/grafana/provisioning:ro',
      './infra/grafana/dashboards:/var/lib/grafana/dashboards:ro',
    ]);
    expect(compose.services['otel-collector'].volumes).toEqual([
      './infra/otel-collector/config.yaml:/etc/otelcol/config.yaml:ro',
    ]);
    // Out: Chainmail sends through Mailpit. In: Mailpit releases a caught message to Chainmail's SMTP.
    expect(compose.services.ingress.environment?.CHAINMAIL_SMTP_OUT_URL).toBe('smtp://mailpit:1025');
    expect(mailpit.environment).toMatchObject({ MP_SMTP_RELAY_HOST: 'ingress', MP_SMTP_RELAY_PORT: '2525' });
  });

  it('serves /metrics where infra/prometheus/prometheus.yml scrapes the compose services', () => {
    const config = parse(readFileSync(join(REPO_ROOT, 'infra', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs
      .flatMap((c) => c.static_configs.flatMap((s) => s.targets))
      .map((t) => t.split(':'))
      .filter(([host]) => CHAINMAIL.includes(host));
    expect(targets.length).toBe(CHAINMAIL.length);
    for (const [host, port] of targets) {
      const env = compose.services[host].environment ?? {};
      const listens = host === 'ingress' ? '8080' : env.CHAINMAIL_METRICS_PORT;
      expect([host, listens]).toEqual([host, port]);
    }
  });

  it('the schema check refuses a broken file', () => {
    const broken = load(
      'services:\n  nats:\n    image: nats\n    ports: "4222"\n    restart: sometimes\n    bogus: 1\n',
    );
    expect(problems(broken).length).toBeGreaterThan(0);
  });
});
