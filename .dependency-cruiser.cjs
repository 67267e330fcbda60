/**
 * The import rule of the layers (docs/architecture.md): a file imports only from its own layer or those below
 * it, and nothing forms a cycle, type imports included. `npm run lint` runs it; test/layers.test.ts shows that
 * a planted upward import and a planted cycle fail it.
 *
 * Layers, lowest first: platform ← i18n ← auth, authz ← identity ← http ← the entry files (app, deps, server,
 * index, migrate). config.ts is read by every layer and reads only the environment.
 */
const LAYERS = [
  { name: "platform", path: "^src/platform/" },
  { name: "i18n", path: "^src/i18n/" },
  { name: "auth", path: "^src/(auth|authz)/" },
  { name: "identity", path: "^src/identity/" },
  { name: "http", path: "^src/http/" },
];
const ENTRY = "^src/(app|deps|server|index|migrate)\\.ts$";

const upward = LAYERS.map((layer, index) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} imports only from its own layer or those below it`,
  severity: "error",
  // Tests drive the whole app from outside (createTestApp); only the code that ships is layered.
  from: { path: layer.path, pathNot: "\\.test\\.ts$" },
  to: {
    path: [...LAYERS.slice(index + 1).map((above) => above.path), ENTRY],
  },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "config-reads-nothing",
      comment: "config.ts is below every layer: it reads the environment and imports no module of src",
      severity: "error",
      from: { path: "^src/config\\.ts$" },
      to: { path: "^src/" },
    },
    {
      name: "no-test-imports",
      comment: "code that ships never imports tests or test helpers",
      severity: "error",
      from: { path: "^src/", pathNot: "\\.test\\.ts$" },
      to: { path: ["^test/", "\\.test\\.ts$"] },
    },
    {
      name: "no-circular",
      comment: "no import cycle, type imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // Type-only imports count: a cycle through types is still a cycle a reader must untangle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
