import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** `kubectl kustomize <dir>`, parsed: the objects an overlay would apply. */
export function renderOverlay(dir: string): K8sObject[] {
  const kubectl = process.env.KUBECTL || 'kubectl';
  let out: string;
  try {
    out = execFileSync(kubectl, ['kustomize', join(REPO_ROOT, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error(
        `${kubectl} is not installed: \`apt-get install kubernetes-client\` (Debian) or set KUBECTL to a kubectl binary.`,
      );
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

type Model = new (data: unknown) => { validate(): void };

/**
 * The schema-checking class for an object's apiVersion and kind: kubernetes-models for Kubernetes'
 * own kinds, @kubernetes-models/keda for KEDA's; undefined for a kind neither knows.
 */
export function modelClass(apiVersion: string, kind: string): Model | undefined {
  const module = apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${apiVersion}`
    : `kubernetes-models/${apiVersion.includes('/') ? apiVersion : 'v1'}`;
  try {
    const loaded = require(module) as Record<string, Model | undefined>; // eslint-disable-line @typescript-eslint/no-require-imports
    return loaded[kind];
  } catch {
    return undefined;
  }
}
