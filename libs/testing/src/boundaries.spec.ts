import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The layer rules of `.dependency-cruiser.js` (run by `npm run lint` and CI) on a small tree laid
 * out like this repository: each deliberate violation is reported under its rule, and the
 * imports the layers allow are not. dependency-cruiser is ES modules only, so it runs as its CLI.
 */

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let tree: string;

async function file(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(tree, path)), { recursive: true });
  await writeFile(join(tree, path), text);
}

async function cruise(): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      CLI,
      '--config',
      join(ROOT, '.dependency-cruiser.js'),
      '--output-type',
      'json',
      'libs',
      'services',
      'cli',
    ],
    { cwd: tree, maxBuffer: 16 * 1024 * 1024 },
  ).catch((err: { stdout?: string }) => {
    // A violation exits non-zero; the report is on stdout all the same.
    if (typeof err.stdout === 'string' && err.stdout.startsWith('{')) return { stdout: err.stdout };
    throw err;
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const found = (violations: Violation[]) =>
  violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

beforeAll(async () => {
  tree = await mkdtemp(join(tmpdir(), 'chainmail-boundaries-'));
  await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  await file('cli/index.ts', 'export {};\n');
  await file(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        module: 'commonjs',
        baseUrl: '.',
        paths: {
          '@chainmail/contracts': ['libs/contracts/src/index.ts'],
          '@chainmail/workflow-dsl': ['libs/workflow-dsl/src/index.ts'],
          '@chainmail/engine': ['libs/engine/src/index.ts'],
          '@chainmail/event-log': ['libs/event-log/src/index.ts'],
        },
      },
    }),
  );
});

afterAll(async () => {
  await rm(tree, { recursive: true, force: true });
});

describe('the layer rules', () => {
  it('allow contracts → dsl → engine → libraries → services, and all-in-one composing services', async () => {
    await file('libs/contracts/src/index.ts', 'export type Event = { type: string };\n');
    await file(
      'libs/workflow-dsl/src/index.ts',
      "import type { Event } from '@chainmail/contracts';\nexport const parse = (e: Event) => e;\n",
    );
    await file(
      'libs/engine/src/index.ts',
      "import type { Event } from '@chainmail/contracts';\nimport { parse } from '@chainmail/workflow-dsl';\nexport const decide = (e: Event) => parse(e);\n",
    );
    await file(
      'libs/event-log/src/index.ts',
      "import { connect } from 'nats';\nimport { decide } from '@chainmail/engine';\nexport { connect, decide };\n",
    );
    await file('services/registry/registry.module.ts', "import '@chainmail/event-log';\nexport class R {}\n");
    await file('services/ingress/ingress.module.ts', "import '@chainmail/event-log';\nexport class I {}\n");
    await file(
      'services/all-in-one/all-services.ts',
      "import { R } from '../registry/registry.module';\nimport { I } from '../ingress/ingress.module';\nexport const all = [R, I];\n",
    );
    expect(found(await cruise())).toEqual([]);
  }, 60_000);

  it('refuse each import across a boundary, naming the rule', async () => {
    await file('libs/contracts/src/uses-dsl.ts', "import '@chainmail/workflow-dsl';\n");
    await file('libs/contracts/src/uses-nats.ts', "import 'nats';\n");
    await file(
      'libs/engine/src/reads-disk.ts',
      "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
    );
    await file('libs/engine/src/uses-log.ts', "import '@chainmail/event-log';\n");
    await file('libs/workflow-dsl/src/uses-nats.ts', "import 'nats';\n");
    await file(
      'libs/event-log/src/uses-service.ts',
      "import '../../../services/registry/registry.module';\n",
    );
    await file('services/ingress/ingress.spec.ts', "import '../registry/registry.module';\n");
    await file('cli/main.ts', "import '../services/ingress/ingress.module';\n");
    await file('libs/event-log/src/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    await file('libs/event-log/src/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    expect(found(await cruise())).toEqual([
      'cli-imports-service: cli/main.ts → services/ingress/ingress.module.ts',
      'contracts-imports-lib: libs/contracts/src/uses-dsl.ts → libs/workflow-dsl/src/index.ts',
      'contracts-imports-package: libs/contracts/src/uses-nats.ts → node_modules/nats/index.js',
      'engine-imports-lib: libs/engine/src/uses-log.ts → libs/event-log/src/index.ts',
      'lib-imports-service: libs/event-log/src/uses-service.ts → services/registry/registry.module.ts',
      'no-circular: libs/event-log/src/a.ts → libs/event-log/src/b.ts',
      'pure-core-does-io: libs/engine/src/reads-disk.ts → fs',
      'pure-core-does-io: libs/workflow-dsl/src/uses-nats.ts → node_modules/nats/index.js',
      'service-imports-service: services/ingress/ingress.spec.ts → services/registry/registry.module.ts',
    ]);
  }, 60_000);
});
