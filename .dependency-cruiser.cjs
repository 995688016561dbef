/**
 * Layer rules (docs/architecture.md): imports point down, nothing forms a cycle, Fastify stays in the HTTP layer
 * and Kysely in storage. Run by `npm test` (pretest → `npm run lint:deps`); any violation fails it.
 */
const UPPER = '^src/(app\\.ts|cli/|setup/|main\\.ts)';
/** Bundled by the console (packages/console/src/lib/posture-judgement.ts). */
const SHARED_WITH_CONSOLE =
  '^src/(check/deployment/(posture-findings|deployment-rules)|check/finding|services/posture/posture-types|crypto/root-key-source)\\.ts$';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules must not import each other, directly or not.', from: {}, to: { circular: true } },
    {
      name: 'leaves-import-nothing',
      severity: 'error',
      comment:
        'config, errors, log and model are leaves: they import only each other (and @strongroom/redact, the value redactor of the logger, which must never see an unredacted value).',
      from: { path: '^src/(config|errors|log|version)\\.ts$|^src/(model|config)/' },
      to: { path: '^src/', pathNot: ['^src/(model|config)/', '^src/(config|errors|log|version)\\.ts$'] },
    },
    {
      name: 'browser-shared-checks-are-leaves',
      severity: 'error',
      comment:
        'The console bundles the posture rules of `strongroom check deployment` (same code, not a copy): they import only each other and leaf type files, nothing that reaches Node or the rest of the server.',
      from: { path: SHARED_WITH_CONSOLE },
      to: { pathNot: SHARED_WITH_CONSOLE },
    },
    {
      name: 'foundations-stay-below-services',
      severity: 'error',
      comment: 'crypto, audit, storage, state, vault and tls do not reach up into services, auth, policy or http.',
      from: { path: '^src/(crypto|audit|storage|state|vault|tls)/' },
      to: { path: `^src/(services|auth|policy|http)/|${UPPER}` },
    },
    {
      name: 'services-stay-below-auth-and-http',
      severity: 'error',
      comment: 'Services never import authentication, the HTTP layer or the composition root.',
      from: { path: '^src/services/' },
      to: { path: `^src/(auth|http)/|${UPPER}` },
    },
    {
      name: 'policy-is-pure',
      severity: 'error',
      comment: 'The decision engine imports only leaves: no I/O, no services, no HTTP.',
      from: { path: '^src/policy/' },
      to: { path: `^src/(services|auth|http|storage|state|crypto|audit)/|${UPPER}` },
    },
    {
      name: 'auth-stays-below-http',
      severity: 'error',
      comment: 'Authentication does not import the HTTP layer or the composition root.',
      from: { path: '^src/auth/' },
      to: { path: `^src/http/|${UPPER}` },
    },
    {
      name: 'core-stays-below-http',
      severity: 'error',
      comment: 'The core (stores, services and their lifecycle) is built without HTTP: it never imports http/, app.ts or cli/.',
      from: { path: '^src/core/' },
      to: { path: '^src/(http|cli)/|^src/(app|main)\\.ts$' },
    },
    {
      name: 'nothing-below-reaches-the-core',
      severity: 'error',
      comment: 'Services, auth, policy and the foundations get their collaborators as arguments, never from the core.',
      from: { path: '^src/(services|auth|policy|crypto|audit|storage|state|vault|tls|setup|model)/' },
      to: { path: '^src/core/' },
    },
    {
      name: 'http-stays-below-composition',
      severity: 'error',
      comment: 'Routes and plugins get their services as options, never from the composition root.',
      from: { path: '^src/http/' },
      to: { path: UPPER },
    },
    {
      name: 'fastify-only-in-http',
      severity: 'error',
      comment: 'Nothing below the HTTP layer imports Fastify.',
      from: { path: '^src/', pathNot: ['^src/http/', '^src/cli/'] },
      to: { path: '(^|/)node_modules/(fastify|fastify-plugin|@fastify/[^/]+)/' },
    },
    {
      name: 'kysely-only-in-storage',
      severity: 'error',
      comment: 'Storage owns persistence: nothing else imports Kysely or a database driver.',
      from: { path: '^src/', pathNot: ['^src/storage/'] },
      to: { path: '(^|/)node_modules/(kysely|pg|better-sqlite3)/' },
    },
    {
      name: 'zxcvbn-only-in-the-strength-worker',
      severity: 'error',
      comment:
        'zxcvbn blocks for tens of milliseconds: only password-strength.js imports it, and only the worker thread entry imports that (auth/strength-worker.ts), so no check runs on the event loop.',
      from: { path: '^src/', pathNot: '^src/auth/password-strength\\.js$' },
      to: { path: '(^|/)node_modules/@zxcvbn-ts/' },
    },
    {
      name: 'strength-scorer-only-in-the-worker',
      severity: 'error',
      comment: 'The in-thread scorer is for the worker thread (and tests) only.',
      from: { path: '^src/', pathNot: '^src/auth/password-strength-worker\\.js$' },
      to: { path: '^src/auth/password-strength\\.js$' },
    },
    {
      name: 'server-uses-redact-by-its-entry',
      severity: 'error',
      comment:
        'The server shares the detectors of @strongroom/redact (one code, not a copy) through its package entry only, and never imports the application middleware.',
      from: { path: '^src/' },
      to: { path: '^packages/', pathNot: ['^packages/redact/dist/index\\.js$', '^packages/client/dist/index\\.js$'] },
    },
    {
      name: 'only-the-cli-calls-the-api',
      severity: 'error',
      comment: 'The CLI is a client of the HTTP API (@strongroom/client, by its entry); nothing else in the server imports it.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^packages/client/' },
    },
    {
      name: 'redact-has-no-dependencies',
      severity: 'error',
      comment: '@strongroom/redact imports only itself and Node built-ins: the server and every application load it.',
      from: { path: '^packages/redact/' },
      to: { pathNot: '^packages/redact/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'packages-never-import-the-server',
      severity: 'error',
      comment: 'The application packages install without the server: nothing under packages/ imports src/.',
      from: { path: '^packages/' },
      to: { path: '^src/' },
    },
    {
      name: 'node-core-is-framework-free',
      severity: 'error',
      comment: '@strongroom/node-core knows no web framework or logger: the adapters bring those.',
      from: { path: '^packages/node-core/' },
      to: { path: '(^|/)node_modules/(fastify|fastify-plugin|@fastify/[^/]+|express|pino|pino-http)/|^packages/(fastify|express)/' },
    },
    {
      name: 'adapters-are-thin',
      severity: 'error',
      comment: 'The Fastify and Express adapters build on @strongroom/node-core only, never on each other or its internals.',
      from: { path: '^packages/(fastify|express)/' },
      to: {
        path: '^packages/',
        pathNot: ['^packages/node-core/dist/index\\.js$', '^packages/$1/src/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
