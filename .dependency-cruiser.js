/**
 * The layers of docs/architecture.md, enforced on every import (type-only imports included):
 * contracts → workflow-dsl → engine → libraries with IO → services; services never import each
 * other (only services/all-in-one composes them); the engine and the DSL do no IO.
 * Run by `npm run lint` and CI; `libs/testing/src/boundaries.spec.ts` shows a violation fails.
 */

/** Packages and Node modules that do IO (network, disk, databases, frameworks that do). */
const IO_PACKAGES =
  '^node_modules/(@nestjs|nats|typeorm|pg|pg-[^/]+|nodemailer|smtp-server|mailparser|express|' +
  '@opentelemetry|prom-client|rate-limiter-flexible|piscina|jose|@apidevtools)/';
const IO_CORE =
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads)$';

module.exports = {
  forbidden: [
    {
      name: 'lib-imports-service',
      comment: 'Libraries sit below services: move what both need into a library.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'service-imports-service',
      comment:
        'Services never import each other (tests included): share through a library, or compose ' +
        'them in services/all-in-one.',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: '^services/all-in-one/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'cli-imports-service',
      comment: 'The CLI talks to services over HTTP; what it shares with them belongs in a library.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^services/' },
    },
    {
      name: 'contracts-imports-lib',
      comment: 'libs/contracts is the bottom layer: it imports no other library.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'contracts-imports-package',
      comment: 'libs/contracts is types and constants: no framework, no client, no Node module.',
      severity: 'error',
      from: { path: '^libs/contracts/', pathNot: '\\.spec\\.ts$' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'],
      },
    },
    {
      name: 'dsl-imports-lib',
      comment: 'The DSL sits on contracts only.',
      severity: 'error',
      from: { path: '^libs/workflow-dsl/' },
      to: { path: '^libs/', pathNot: '^libs/(contracts|workflow-dsl)/' },
    },
    {
      name: 'engine-imports-lib',
      comment: 'The engine sits on contracts and the DSL only.',
      severity: 'error',
      from: { path: '^libs/engine/' },
      to: { path: '^libs/', pathNot: '^libs/(contracts|workflow-dsl|engine)/' },
    },
    {
      name: 'pure-core-does-io',
      comment: 'The engine and the DSL are pure: IO belongs to the shell (services, libraries with IO).',
      severity: 'error',
      // Their tests may read fixtures from disk.
      from: { path: '^libs/(engine|workflow-dsl)/', pathNot: '\\.spec\\.ts$' },
      to: { path: [IO_PACKAGES, IO_CORE] },
    },
    {
      name: 'console-imports-server',
      comment:
        'The web console runs in a browser and talks to the API: of the server code it may bundle only ' +
        'libs/contracts and libs/workflow-dsl (no IO, no Node built-ins).',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(libs/(?!contracts/|workflow-dsl/)|services/|cli/)' },
    },
    {
      name: 'console-imports-node',
      comment: 'The console is bundled for a browser: a Node built-in has no place in it (tests excepted).',
      severity: 'error',
      from: { path: '^web/src/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of imports: break it by moving the shared part to its own module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|web/dist)/' },
    tsPreCompilationDeps: true,
    // Paths as imported (`node_modules/nats/…`) even where node_modules is a link.
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    cache: false,
  },
};
