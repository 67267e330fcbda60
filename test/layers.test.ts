/**
 * The import rule of the layers (.dependency-cruiser.cjs, run by `npm run lint`): it holds for the tree, and it
 * does fail — on a planted upward import, a planted type-only cycle and shipped code importing a test helper.
 */
import { describe, expect, it } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const CRUISER = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

function cruise(cwd: string, ...paths: string[]): { exitCode: number; output: string } {
  const run = Bun.spawnSync(
    [process.execPath, CRUISER, "--config", ".dependency-cruiser.cjs", "--output-type", "err", ...paths],
    { cwd, stdout: "pipe", stderr: "pipe" },
  );
  return { exitCode: run.exitCode, output: run.stdout.toString() + run.stderr.toString() };
}

/** A tree laid out like src/, with the given files, and the repository's rules. */
function plantedTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-layers-"));
  copyFileSync(join(ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  copyFileSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("the layer rule", () => {
  it("holds for src, test and bench", () => {
    const { exitCode, output } = cruise(ROOT, "src", "test", "bench");
    expect(output).not.toContain("error");
    expect(exitCode).toBe(0);
  }, 60_000);

  it("fails on an upward import, a type-only cycle and shipped code importing a test helper", () => {
    const dir = plantedTree({
      "src/platform/db/index.ts":
        'import { route } from "../../http/native/users.ts";\nexport const db = route;\n',
      "src/http/native/users.ts": "export const route = 1;\n",
      "src/auth/a.ts": 'import type { B } from "./b.ts";\nexport type A = { b?: B };\n',
      "src/auth/b.ts": 'import type { A } from "./a.ts";\nexport type B = { a?: A };\n',
      "src/identity/accounts.ts":
        'import { helper } from "../../test/helpers/x.ts";\nexport const x = helper;\n',
      "test/helpers/x.ts": "export const helper = 1;\n",
    });
    try {
      const { exitCode, output } = cruise(dir, "src", "test");
      expect(exitCode).not.toBe(0);
      expect(output).toContain("layer-platform");
      expect(output).toContain("src/platform/db/index.ts");
      expect(output).toContain("no-circular");
      expect(output).toContain("no-test-imports");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
