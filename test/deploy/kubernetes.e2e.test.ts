// Renders every overlay in deploy/kubernetes with `kubectl kustomize` (Debian's kubectl package is
// installed first when missing) and checks what a cluster needs from it: the workload's shape and
// ports, probes the agent answers, the downward API, a non-root pod on a read-only root with a
// volume for every file the agent writes, the heap at 80 % of the memory limit, PostgreSQL from a
// Secret, the dashboards and alert rules, and the optional ServiceMonitor.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { registry } from '../../agent/registry.ts';
import { ensureBinary } from '../support/ensure-binary.ts';

// Rendered manifests are plain JSON of many shapes.
type Manifest = Record<string, any>;

const KUBERNETES = path.resolve('deploy/kubernetes');
const SERVICEMONITOR = path.join(KUBERNETES, 'components/servicemonitor');
// Components, replacements and `labels` need kustomize 4.2+, embedded from kubectl 1.22 on.
// Debian bookworm's own kubernetes-client is kubectl 1.20 (kustomize 2.0.3): too old.
const MIN_KUBECTL_MINOR = 22;
const KUBECTL_HINT =
  `Install kubectl 1.${MIN_KUBECTL_MINOR} or newer from the Kubernetes apt repository ` +
  '(https://pkgs.k8s.io, package kubectl) or as a static binary (https://dl.k8s.io); see docs/deploy.md.';
let kubectl = '';
beforeAll(() => {
  try {
    kubectl = ensureBinary('kubectl', 'kubectl');
  } catch (cause) {
    throw new Error(`The Kubernetes render test needs kubectl: ${(cause as Error).message} ${KUBECTL_HINT}`, { cause });
  }
  const version = JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as {
    clientVersion: { major: string; minor: string; gitVersion: string };
  };
  const minor = Number.parseInt(version.clientVersion.minor, 10);
  if (version.clientVersion.major !== '1' || minor < MIN_KUBECTL_MINOR) {
    throw new Error(`${kubectl} is ${version.clientVersion.gitVersion}, whose kustomize cannot render deploy/kubernetes. ${KUBECTL_HINT}`);
  }
});

function render(dir: string, components: string[] = []): Manifest[] {
  let target = dir;
  let scratch: string | undefined;
  if (components.length > 0) {
    // An overlay of the overlay, as a user writes one; kustomize wants relative paths.
    scratch = mkdtempSync(path.join(tmpdir(), 'faultline-kustomize-'));
    const rel = (to: string) => path.relative(scratch!, to);
    writeFileSync(
      path.join(scratch, 'kustomization.yaml'),
      `resources: [${rel(dir)}]\ncomponents: [${components.map(rel).join(', ')}]\n`,
    );
    target = scratch;
  }
  try {
    const out = execFileSync(kubectl, ['kustomize', target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(out).map((d) => d.toJSON() as Manifest);
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

const find = (all: Manifest[], kind: string, name?: string) => all.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
function one(all: Manifest[], kind: string, name?: string): Manifest {
  const found = find(all, kind, name);
  expect(found, `exactly one ${kind}${name ? ` ${name}` : ''}`).toHaveLength(1);
  return found[0]!;
}

/** "1Gi", "512Mi" → MiB. */
function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

/** The WORKDIR the image runs the agent in, so relative paths in the config resolve as in the pod. */
function imageWorkdir(): string {
  const workdirs = [...readFileSync('deploy/Dockerfile', 'utf8').matchAll(/^WORKDIR\s+(\S+)/gm)].map((m) => m[1]!);
  return workdirs.at(-1)!;
}

const OVERLAYS = [
  { name: 'overlays/daemonset', kind: 'DaemonSet', workload: 'faultline-agent', hostPorts: true, memory: '1Gi' },
  { name: '. (the default)', dir: '.', kind: 'DaemonSet', workload: 'faultline-agent', hostPorts: true, memory: '1Gi' },
  { name: 'overlays/gateway', kind: 'Deployment', workload: 'faultline-gateway', hostPorts: false, memory: '2Gi' },
] as const;

describe.each(OVERLAYS)('kubectl kustomize deploy/kubernetes/$name', (overlay) => {
  const dir = path.join(KUBERNETES, 'dir' in overlay ? overlay.dir : overlay.name);
  let all: Manifest[] = [];
  let pod: Manifest = {};
  let agent: Manifest = {};
  beforeAll(() => {
    all = render(dir);
    pod = one(all, overlay.kind, overlay.workload).spec.template.spec;
    agent = pod.containers.find((c: Manifest) => c.name === 'agent');
  });

  it(`runs the agent as a ${overlay.kind} only, in the faultline namespace`, () => {
    expect(find(all, overlay.kind === 'DaemonSet' ? 'Deployment' : 'DaemonSet')).toEqual([]);
    for (const m of all.filter((m) => m.kind !== 'Namespace')) expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe('faultline');
    const workload = one(all, overlay.kind, overlay.workload);
    const podLabels = workload.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(workload.spec.selector.matchLabels)) expect(podLabels[key]).toBe(value);
    expect(agent.image).toMatch(/^[\w./-]+:[\w.-]+$/);
  });

  it(overlay.hostPorts ? 'takes OTLP on hostPorts 4317 and 4318' : 'takes OTLP through a Service, without hostPorts', () => {
    const port = (name: string) => agent.ports.find((p: Manifest) => p.name === name);
    expect(port('otlp-grpc').containerPort).toBe(4317);
    expect(port('otlp-http').containerPort).toBe(4318);
    if (overlay.hostPorts) {
      expect([port('otlp-grpc').hostPort, port('otlp-http').hostPort]).toEqual([4317, 4318]);
    } else {
      expect(agent.ports.filter((p: Manifest) => p.hostPort !== undefined)).toEqual([]);
      const service = one(all, 'Service', 'faultline-gateway');
      const labels = one(all, overlay.kind, overlay.workload).spec.template.metadata.labels;
      for (const [key, value] of Object.entries(service.spec.selector)) expect(labels[key]).toBe(value);
      expect(service.spec.ports.map((p: Manifest) => [p.port, p.targetPort])).toEqual([
        [4317, 'otlp-grpc'],
        [4318, 'otlp-http'],
      ]);
    }
  });

  it('probes /healthz and /readyz on the port the agent serves its API on, and reads PostgreSQL from a Secret', () => {
    const config = parseConfig(configOf(all, pod), registry, { env: { DATABASE_URL: 'postgres://u:p@db:5432/faultline' } });
    const apiPort = Number(config.api.endpoint.split(':').at(-1));
    const portNumber = (ref: string | number) =>
      typeof ref === 'number' ? ref : agent.ports.find((p: Manifest) => p.name === ref)?.containerPort;
    expect(agent.livenessProbe.httpGet.path).toBe('/healthz');
    expect(agent.readinessProbe.httpGet.path).toBe('/readyz');
    expect(portNumber(agent.livenessProbe.httpGet.port)).toBe(apiPort);
    expect(portNumber(agent.readinessProbe.httpGet.port)).toBe(apiPort);
    expect(config.api.endpoint.startsWith('0.0.0.0:')).toBe(true); // kubelet probes come from outside the pod
    expect(config.storage?.url).toBe('postgres://u:p@db:5432/faultline');
    const databaseUrl = agent.env.find((e: Manifest) => e.name === 'DATABASE_URL');
    expect(databaseUrl.valueFrom.secretKeyRef).toMatchObject({ name: 'faultline-postgres', key: 'DATABASE_URL' });
    expect(databaseUrl.value).toBeUndefined();
  });

  it('gives the agent its node name and pod IP through the downward API', () => {
    const fieldOf = (name: string) => agent.env.find((e: Manifest) => e.name === name)?.valueFrom?.fieldRef?.fieldPath;
    expect(fieldOf('NODE_NAME')).toBe('spec.nodeName');
    expect(fieldOf('POD_IP')).toBe('status.podIP');
  });

  it('runs as a non-root user on a read-only root, with a writable volume for every file the agent writes', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(agent.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const config = parseConfig(configOf(all, pod), registry, { env: { DATABASE_URL: 'postgres://db/faultline' } });
    const files = [...config.components.values()].flatMap((c) => Object.values(c.factory.localFiles?.(c.config, c.id) ?? {}));
    expect(files.length).toBeGreaterThan(0); // the postgres exporter's spill buffer at least
    const writable = agent.volumeMounts
      .filter((m: Manifest) => !m.readOnly)
      .filter((m: Manifest) => {
        const volume = pod.volumes.find((v: Manifest) => v.name === m.name);
        return volume.emptyDir !== undefined || volume.hostPath !== undefined || volume.persistentVolumeClaim !== undefined;
      })
      .map((m: Manifest) => m.mountPath as string);
    for (const file of files) {
      const absolute = path.posix.resolve(imageWorkdir(), file);
      expect(
        writable.some((mount: string) => absolute.startsWith(`${mount}/`)),
        `${absolute} is on a writable volume`,
      ).toBe(true);
    }
  });

  it(`sets the heap limit at 80 % of the ${overlay.memory} memory limit`, () => {
    expect(agent.resources.limits.memory).toBe(overlay.memory);
    expect(agent.resources.requests.memory).toBeDefined();
    expect(agent.resources.requests.cpu).toBeDefined();
    const nodeOptions = agent.env.find((e: Manifest) => e.name === 'NODE_OPTIONS').value as string;
    const heap = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    expect(heap).toBe(Math.floor(mebibytes(overlay.memory) * 0.8));
  });

  it('ships the Grafana dashboards and the Prometheus alert rules as ConfigMaps, as they are in deploy/', () => {
    const dashboards = one(all, 'ConfigMap', 'faultline-dashboards');
    expect(dashboards.metadata.labels.grafana_dashboard).toBe('1');
    for (const file of ['faultline-agent.json', 'faultline-failures.json', 'faultline-provider-health.json']) {
      expect(JSON.parse(dashboards.data[file])).toEqual(JSON.parse(readFileSync(`deploy/grafana/dashboards/${file}`, 'utf8')));
    }
    const rules = one(all, 'ConfigMap', 'faultline-alert-rules');
    expect(rules.data['faultline-alerts.yml']).toBe(readFileSync('deploy/prometheus/faultline-alerts.yml', 'utf8'));
  });

  it('adds a ServiceMonitor only with the servicemonitor component, scraping the metrics port of every agent', () => {
    expect(find(all, 'ServiceMonitor')).toEqual([]);
    const monitored = render(dir, [SERVICEMONITOR]);
    const monitor = one(monitored, 'ServiceMonitor', 'faultline-agent');
    const isSelected = (s: Manifest) => Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v);
    const service = find(monitored, 'Service').find((s) => isSelected(s) && s.spec.ports.some((p: Manifest) => p.name === 'metrics'));
    expect(service, 'a Service the ServiceMonitor selects, with a metrics port').toBeDefined();
    expect(service!.spec.clusterIP).toBe('None'); // one endpoint per agent, so every agent is scraped
    const workloadLabels = one(monitored, overlay.kind, overlay.workload).spec.template.metadata.labels;
    for (const [key, value] of Object.entries(service!.spec.selector)) expect(workloadLabels[key]).toBe(value);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    expect(monitor.spec.endpoints[0].relabelings).toContainEqual({ targetLabel: 'job', replacement: 'faultline' });
  });
});

/** The agent.yaml the pod mounts: the ConfigMap behind the volume at --config's folder. */
function configOf(all: Manifest[], pod: Manifest): string {
  const agent = pod.containers.find((c: Manifest) => c.name === 'agent');
  const configPath: string = agent.args[agent.args.indexOf('--config') + 1];
  const mount = agent.volumeMounts.find((m: Manifest) => configPath.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
  const configMap = one(all, 'ConfigMap', volume.configMap.name);
  return configMap.data[path.posix.basename(configPath)];
}
