import { modelClass, renderOverlay, type K8sObject } from './render';

/**
 * The Kubernetes install, checked statically: each overlay renders with `kubectl kustomize`, every
 * object validates against the Kubernetes schemas (kubernetes-models; KEDA's for ScaledObject),
 * and every Deployment has probes, resources, a restricted security context and a
 * PodDisruptionBudget. No cluster is needed.
 */
const OVERLAYS = ['k8s/overlays/small', 'k8s/overlays/production', 'k8s/overlays/production-keda'] as const;
const SERVICES = ['ingress', 'execution', 'projector', 'registry', 'scheduling', 'notification'];

interface Container {
  name: string;
  image?: string;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  env?: { name: string; value?: string }[];
}
interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
}

const rendered = new Map<string, K8sObject[]>();
function objects(overlay: string): K8sObject[] {
  if (!rendered.has(overlay)) rendered.set(overlay, renderOverlay(overlay));
  return rendered.get(overlay) ?? [];
}
const ofKind = (list: K8sObject[], kind: string): K8sObject[] => list.filter((o) => o.kind === kind);
const named = (list: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  list.find((o) => o.kind === kind && o.metadata.name === name);
const podSpec = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;

/** What is wrong with one workload's pod: empty when it is fine. */
function podProblems(o: K8sObject): string[] {
  const problems: string[] = [];
  const spec = podSpec(o);
  const pod = spec.securityContext ?? {};
  for (const c of spec.containers) {
    const where = `${o.kind} ${o.metadata.name}, container ${c.name}`;
    if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
    if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
    for (const k of ['requests', 'limits'] as const)
      for (const r of ['cpu', 'memory'])
        if (!c.resources?.[k]?.[r]) problems.push(`${where}: no resources.${k}.${r}`);
    const sc = { ...pod, ...(c.securityContext ?? {}) };
    if (sc.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      problems.push(`${where}: allowPrivilegeEscalation is not false`);
    const drop = (c.securityContext?.capabilities as { drop?: string[] } | undefined)?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
    if ((sc.seccompProfile as { type?: string } | undefined)?.type !== 'RuntimeDefault')
      problems.push(`${where}: no RuntimeDefault seccomp profile`);
  }
  return problems;
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

describe.each(OVERLAYS)('%s', (overlay) => {
  it('renders, every object validates against its schema, and all are in the chainmail namespace', () => {
    const list = objects(overlay);
    expect(list.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const o of list) {
      const Model = modelClass(o.apiVersion, o.kind);
      if (Model === undefined) {
        problems.push(`${o.apiVersion} ${o.kind} ${o.metadata.name}: no schema for this kind`);
        continue;
      }
      try {
        new Model(o).validate();
      } catch (err) {
        problems.push(`${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
      }
      if (o.metadata.namespace !== 'chainmail')
        problems.push(`${o.kind} ${o.metadata.name}: namespace ${o.metadata.namespace}`);
    }
    expect(problems).toEqual([]);
  });

  it('has a Deployment per service from one image, each with probes, resources, a restricted security context and a PodDisruptionBudget', () => {
    const list = objects(overlay);
    const deployments = ofKind(list, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      SERVICES.map((s) => `chainmail-${s}`).sort(),
    );
    const problems = [...deployments, ...ofKind(list, 'StatefulSet')].flatMap(podProblems);
    expect(problems).toEqual([]);
    const images = new Set(deployments.flatMap((d) => podSpec(d).containers.map((c) => c.image)));
    expect(images.size).toBe(1);
    const pdbs = ofKind(list, 'PodDisruptionBudget');
    for (const d of [
      ...deployments,
      ...ofKind(list, 'StatefulSet').filter((s) => s.metadata.name === 'chainmail-nats'),
    ]) {
      const labels = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template
        .metadata.labels;
      const covered = pdbs.some((p) =>
        selects(
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          labels,
        ),
      );
      expect([d.metadata.name, covered]).toEqual([d.metadata.name, true]);
    }
  });

  it('runs NATS as a three-node JetStream cluster on persistent volumes', () => {
    const nats = named(objects(overlay), 'StatefulSet', 'chainmail-nats');
    expect(nats?.spec).toMatchObject({ replicas: 3, volumeClaimTemplates: [{ metadata: { name: 'data' } }] });
    const conf = named(objects(overlay), 'ConfigMap', 'chainmail-nats-config')?.data?.['nats.conf'] ?? '';
    expect(conf).toContain('jetstream');
    expect(conf.match(/nats:\/\/chainmail-nats-\d\.chainmail-nats-cluster:6222/g)).toHaveLength(3);
  });

  it('lets traffic from outside reach ingress only (HTTP and SMTP)', () => {
    const policies = ofKind(objects(overlay), 'NetworkPolicy');
    const denyAll = policies.find(
      (p) => Object.keys((p.spec as { podSelector: object }).podSelector).length === 0,
    );
    expect(denyAll?.spec).toMatchObject({ policyTypes: ['Ingress'] });
    expect((denyAll?.spec as { ingress?: unknown }).ingress).toBeUndefined();
    const open = policies.filter((p) =>
      ((p.spec as { ingress?: { from?: unknown[] }[] }).ingress ?? []).some(
        (rule) => rule.from === undefined,
      ),
    );
    expect(
      open.map(
        (p) => (p.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels,
      ),
    ).toEqual([{ 'app.kubernetes.io/name': 'chainmail', 'app.kubernetes.io/component': 'ingress' }]);
    const smtp = named(objects(overlay), 'Service', 'chainmail-smtp');
    expect(smtp?.spec).toMatchObject({ ports: [{ port: 25, targetPort: 'smtp' }] });
    expect(ofKind(objects(overlay), 'Ingress')).toHaveLength(1);
  });

  it('keeps configuration in a ConfigMap and the master key, tokens and SMTP credentials out of it', () => {
    const config = named(objects(overlay), 'ConfigMap', 'chainmail-config')?.data ?? {};
    expect(Object.keys(config)).toEqual(expect.arrayContaining(['NATS_URL', 'CHAINMAIL_STREAM_REPLICAS']));
    for (const key of Object.keys(config)) expect(key).not.toMatch(/MASTER_KEY|TOKEN|PASS|DATABASE_URL/);
    for (const d of ofKind(objects(overlay), 'Deployment')) {
      const c = podSpec(d).containers[0] as Container & { envFrom?: { secretRef?: { name: string } }[] };
      expect(c.envFrom).toEqual(expect.arrayContaining([{ secretRef: { name: 'chainmail-secrets' } }]));
    }
  });
});

describe('the installs differ where they should', () => {
  it('small: its own Postgres, stream replicas 1, a CPU autoscaler for execution', () => {
    const list = objects('k8s/overlays/small');
    expect(named(list, 'StatefulSet', 'chainmail-postgres')).toBeDefined();
    expect(named(list, 'ConfigMap', 'chainmail-config')?.data?.CHAINMAIL_STREAM_REPLICAS).toBe('1');
    expect(named(list, 'HorizontalPodAutoscaler', 'chainmail-execution')?.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'chainmail-execution' },
    });
  });

  it('production: an external database, stream replicas 3, two replicas or more, the Secret left to the operator', () => {
    for (const overlay of ['k8s/overlays/production', 'k8s/overlays/production-keda']) {
      const list = objects(overlay);
      expect(named(list, 'StatefulSet', 'chainmail-postgres')).toBeUndefined();
      expect(named(list, 'Secret', 'chainmail-secrets')).toBeUndefined();
      expect(named(list, 'ConfigMap', 'chainmail-config')?.data?.CHAINMAIL_STREAM_REPLICAS).toBe('3');
      for (const d of ofKind(list, 'Deployment').filter((x) => x.metadata.name !== 'chainmail-execution'))
        expect([d.metadata.name, (d.spec as { replicas: number }).replicas]).toEqual([d.metadata.name, 2]);
    }
    expect(
      named(objects('k8s/overlays/production'), 'HorizontalPodAutoscaler', 'chainmail-execution')?.spec,
    ).toMatchObject({
      minReplicas: 2,
    });
  });

  it('production-keda: execution scales on its JetStream consumers lag with KEDA, and no HPA competes', () => {
    const list = objects('k8s/overlays/production-keda');
    expect(ofKind(list, 'HorizontalPodAutoscaler')).toEqual([]);
    const scaled = named(list, 'ScaledObject', 'chainmail-execution');
    expect(scaled?.spec).toMatchObject({
      scaleTargetRef: { name: 'chainmail-execution' },
      triggers: [
        { type: 'nats-jetstream', metadata: { stream: 'RUN_EVENTS', consumer: 'execution-events' } },
        { type: 'nats-jetstream', metadata: { stream: 'COMMANDS', consumer: 'execution-commands' } },
      ],
    });
  });
});

describe('the checks themselves', () => {
  it('find a Deployment without probes, resources or a non-root context', () => {
    const bad: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    expect(podProblems(bad)).toEqual(
      expect.arrayContaining([
        'Deployment bad, container c: no readinessProbe',
        'Deployment bad, container c: no livenessProbe',
        'Deployment bad, container c: no resources.limits.memory',
        'Deployment bad, container c: runAsNonRoot is not true',
      ]),
    );
  });

  it('refuse an object that breaks its schema', () => {
    const Model = modelClass('apps/v1', 'Deployment');
    expect(() =>
      new Model!({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: { replicas: 'two' },
      }).validate(),
    ).toThrow(/replicas/);
  });
});
