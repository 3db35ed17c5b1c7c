/** Two projects: `unit` (specs beside the code, no I/O) and `e2e` (real Postgres, Redis and local peers). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/bench'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': swc },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Faults against real processes and a private Postgres and Redis the suite starts itself (npm run test:chaos).
      displayName: 'chaos',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.chaos-spec.ts'],
      transform: { '^.+\\.ts$': swc },
    },
  ],
};
