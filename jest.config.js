/** Unit tests sit beside the code (`*.spec.ts`); integration and end-to-end tests are `*.int.ts` / `*.e2e.ts`. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  },
];
const moduleNameMapper = {
  '^@chainmail/(.*)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,cli,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,cli,test}/**/*.int.ts', '<rootDir>/test/**/*.e2e.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
    },
  ],
};
