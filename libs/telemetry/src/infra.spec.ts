import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ChainmailMetrics } from './metrics';

/**
 * The provisioned dashboard and the scrape and collector configurations of `infra/` stay true to
 * the metrics the processes export: every metric a panel queries exists, with the labels it uses.
 */
const INFRA = join(__dirname, '..', '..', '..', 'infra');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string }>;
}

async function exported(): Promise<Map<string, Set<string>>> {
  const metrics = new ChainmailMetrics();
  metrics.pollConsumerLag(async () => [
    { stream: 's', durable: 'd', pending: 0, ackPending: 0, redelivered: 0 },
  ]);
  const names = new Map<string, Set<string>>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set<string>(
      (m.values as Array<{ labels: Record<string, unknown> }>).flatMap((v) => Object.keys(v.labels)),
    );
    const declared =
      (metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
    for (const l of declared) labels.add(l);
    const withScrapeLabels = new Set([...labels, 'service', 'instance', 'job']);
    names.set(m.name, withScrapeLabels);
    if (String(m.type) === 'histogram') {
      for (const suffix of ['_bucket', '_count', '_sum'])
        names.set(`${m.name}${suffix}`, new Set([...withScrapeLabels, 'le']));
    }
  }
  return names;
}

describe('infra/', () => {
  it('the Grafana dashboard queries only exported metrics, by labels they have, on the provisioned data source', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(INFRA, 'grafana', 'dashboards', 'chainmail.json'), 'utf8'),
    ) as {
      uid: string;
      panels: Panel[];
    };
    const datasource = parse(
      readFileSync(join(INFRA, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ uid: string }> };
    const metrics = await exported();
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(10);
    for (const panel of graphs) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: datasource.datasources[0].uid,
      });
      for (const { expr } of panel.targets ?? []) {
        const used = [...expr.matchAll(/\b((?:chainmail|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
        expect(used.length).toBeGreaterThan(0);
        for (const name of used) {
          expect({ panel: panel.title, name, known: metrics.has(name) }).toEqual({
            panel: panel.title,
            name,
            known: true,
          });
          const labels = [...expr.matchAll(/\b(?:by|without) \(([^)]*)\)|[{,]\s*([a-z_]+)\s*(?:=~|!=|=)/g)]
            .flatMap((m) => (m[1] ?? m[2] ?? '').split(','))
            .map((l) => l.trim())
            .filter((l) => l !== '');
          for (const label of labels) {
            expect({ panel: panel.title, name, label, known: metrics.get(name)?.has(label) }).toEqual({
              panel: panel.title,
              name,
              label,
              known: true,
            });
          }
        }
      }
    }
  });

  it('Prometheus scrapes /metrics of every service, and the collector forwards OTLP traces to Jaeger', () => {
    const prometheus = parse(readFileSync(join(INFRA, 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ metrics_path: string; static_configs: Array<{ labels: { service: string } }> }>;
    };
    const services = prometheus.scrape_configs.flatMap((c) => c.static_configs.map((s) => s.labels.service));
    expect(services.sort()).toEqual(
      ['all-in-one', 'execution', 'ingress', 'notification', 'projector', 'registry', 'scheduling'].sort(),
    );
    expect(new Set(prometheus.scrape_configs.map((c) => c.metrics_path))).toEqual(new Set(['/metrics']));

    const collector = parse(readFileSync(join(INFRA, 'otel-collector', 'config.yaml'), 'utf8')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const pipeline = collector.service.pipelines.traces;
    expect(pipeline.receivers).toEqual(['otlp']);
    expect(pipeline.exporters.map((e) => collector.exporters[e].endpoint)).toEqual(['jaeger:4317']);
  });
});
