/**
 * `npm start`: runs Gatehouse from a bundle of src/ built by `bun build`, building it first when there is none
 * for the sources as they are now. Loading ~500 TypeScript modules one by one (resolving, reading, transpiling
 * each) costs a start most of its time; one bundled file does not. `npm run dev` keeps running src/ itself.
 *
 * A bundle belongs to a stamp of what it was built from: the path, size and modification time of every file
 * under src/, of package.json and of the installed dependencies' lock (node_modules/.package-lock.json, which
 * npm rewrites on every install), and the Bun version. It lives in `dist/<stamp>/`: a fresh clone has none
 * and builds one; an edited source, a checkout or an `npm ci` changes the stamp and a new bundle is built; an
 * unchanged tree starts at once. A build goes to a temporary folder renamed into place, so nodes started
 * together on one checkout never load half a bundle; older bundles are removed after a build.
 *
 * The build runs in a child process (this file with BUILD_ARG): `Bun.build` leaves ~25 MB of its own resident in
 * the process that ran it, which the server, had it built in-process, would carry for as long as it runs.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const ROOT = dirname(import.meta.dir);
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
const ENTRY = join(SRC, "index.ts");
// Built and served from a source tree, never part of it.
const SKIPPED = /\.test\.ts$/;
// `bun src/start.ts --build <stamp>`: builds the bundle of that stamp and exits (see `currentBundle`).
const BUILD_ARG = "--build";

/** The files a bundle is built from, each as `path size mtime`; a change to any of them changes the stamp. */
function sourceStamp(): string {
  const lines: string[] = [`bun ${Bun.version}`];
  const add = (file: string) => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat) lines.push(`${relative(ROOT, file)} ${stat.size} ${stat.mtimeMs}`);
  };
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !SKIPPED.test(entry.name)) add(join(entry.parentPath, entry.name));
  }
  add(join(ROOT, "package.json"));
  add(join(ROOT, "node_modules", ".package-lock.json"));
  return Bun.hash(lines.sort().join("\n")).toString(16);
}

/**
 * A module that finds its files next to itself (`import.meta.dir`: the pages' stylesheets and scripts, the
 * docs' Scalar bundle) or resolves a package from there (`import.meta.resolve`: the health report's versions)
 * keeps doing so once bundled: its own folder is written in as a literal (`bun build` already does so for
 * `__dirname` in node_modules), which also leaves no `import.meta` in the CommonJS bundle.
 */
const keepOwnFolder: Bun.BunPlugin = {
  name: "keep-import-meta-dir",
  setup(build) {
    build.onLoad({ filter: /\/src\/.*\.ts$/ }, async ({ path }) => {
      const text = await Bun.file(path).text();
      if (!text.includes("import.meta.")) return { contents: text, loader: "ts" };
      const folder = JSON.stringify(dirname(path));
      const contents = text
        .replaceAll("import.meta.dir", folder)
        .replaceAll(
          "import.meta.resolve",
          `((specifier: string) => Bun.pathToFileURL(Bun.resolveSync(specifier, ${folder})).href)`,
        );
      return { contents, loader: "ts" };
    });
  },
};

async function build(stamp: string, target: string): Promise<void> {
  const temporary = join(DIST, `.building-${stamp}-${process.pid}`);
  const result = await Bun.build({
    entrypoints: [ENTRY],
    outdir: temporary,
    target: "bun",
    // Bun's bytecode cache (index.js.jsc beside the bundle) spares every start the parsing and compiling of
    // ~6 MB of JavaScript: a third less CPU to ready, measured. It needs the CommonJS format (no top-level await
    // in src/, which the build would refuse).
    format: "cjs",
    bytecode: true,
    // Not minified: ~1.3 MB less resident measured, but an error printed with its source line (better-auth's
    // SERVER_ERROR log) would then show a line of the whole minified file instead of the code that threw.
    plugins: [keepOwnFolder],
    // Loaded from node_modules on first use, not carried in the bundle: only some deployments or routes need
    // them (src/authz/lazy.test.ts), and the bundle and its bytecode are read whole at every start.
    external: ["ioredis", "pg", "qrcode", "oidc-provider", "nodemailer"],
  });
  if (!result.success) {
    rmSync(temporary, { recursive: true, force: true });
    throw new AggregateError(result.logs, "the bundle of src/ could not be built");
  }
  try {
    renameSync(temporary, target);
  } catch (error) {
    // Another process built the same stamp first: use its bundle.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(join(target, "index.js"))) throw error;
  }
  for (const old of readdirSync(DIST)) {
    if (old !== stamp && !old.startsWith(".building-"))
      rmSync(join(DIST, old), { recursive: true, force: true });
  }
}

/** The bundle of the sources as they are now, built (by a child process) when missing; its path. */
export async function currentBundle(): Promise<string> {
  const stamp = sourceStamp();
  const target = join(DIST, stamp);
  if (!existsSync(join(target, "index.js"))) {
    const child = Bun.spawn([process.execPath, import.meta.path, BUILD_ARG, stamp], {
      stdin: "ignore",
      stdout: "inherit",
      stderr: "pipe",
    });
    const [code, problems] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    if (code !== 0) throw new Error(problems.trim() || `the build exited with ${code}`);
  }
  return join(target, "index.js");
}

/**
 * The bundle, or src/index.ts itself when no bundle can be built (a read-only checkout, a full disk): slower
 * to start, the same server.
 */
async function entry(): Promise<string> {
  try {
    return await currentBundle();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`gatehouse: starting from src/ unbundled: the bundle could not be built (${reason})`);
    return ENTRY;
  }
}

if (import.meta.main && process.argv[2] === BUILD_ARG) {
  const stamp = process.argv[3] ?? "";
  try {
    await build(stamp, join(DIST, stamp));
  } catch (error) {
    // The parent reports it (and starts from src/): the reason on stderr, nothing else.
    const logs = error instanceof AggregateError ? `: ${error.errors.join("; ")}` : "";
    console.error(`${error instanceof Error ? error.message : String(error)}${logs}`);
    process.exit(1);
  }
} else if (import.meta.main) {
  try {
    await import(await entry());
  } catch (error) {
    console.error("gatehouse: failed to start:", error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
