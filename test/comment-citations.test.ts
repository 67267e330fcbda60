/**
 * Comments cite only files in the repository: a reader who follows a reference in a comment (a document, a
 * source file) must find it here, not in a folder of the machine it was written on.
 */
import { describe, expect, it } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..");

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|cjs|cedar)$/.test(name)) yield path;
  }
}

/** The comment text of a source file: `//` lines and the lines of block comments. */
function commentLines(source: string): string[] {
  return source.split("\n").filter((line) => /^\s*(\/\/|\/\*|\*)/.test(line));
}

/** Files a comment names: a Markdown document anywhere, or a path under one of the repository's folders. */
function citations(line: string): string[] {
  const documents = [...line.matchAll(/(?<![\w/.-])((?:[\w.-]+\/)*[\w.-]+\.md)\b/g)].map(([, p]) => p ?? "");
  const paths = [...line.matchAll(/(?<![\w/.-])((?:src|test|bench|docs)\/[\w./-]*[\w-]\.\w+)/g)].map(
    ([, p]) => p ?? "",
  );
  return [...documents, ...paths];
}

function exists(citation: string, file: string): boolean {
  return [ROOT, join(ROOT, "docs"), join(file, "..")].some((base) => existsSync(join(base, citation)));
}

describe("comments", () => {
  it("cite only files that exist in the repository", () => {
    const broken: string[] = [];
    const files = ["src", "test", "bench"].flatMap((dir) => [...sourceFiles(join(ROOT, dir))]);
    files.push(join(ROOT, ".dependency-cruiser.cjs"));
    for (const file of files) {
      for (const line of commentLines(readFileSync(file, "utf8"))) {
        for (const citation of citations(line)) {
          if (!exists(citation, file)) broken.push(`${relative(ROOT, file)}: ${citation}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("would see a citation of a file that is not here", () => {
    expect(citations(" * the seeds' facts (CONTRACTS.md), see src/modules/users/service.ts")).toEqual([
      "CONTRACTS.md",
      "src/modules/users/service.ts",
    ]);
    expect(exists("CONTRACTS.md", join(ROOT, "src/app.ts"))).toBe(false);
    expect(exists("docs/contracts.md", join(ROOT, "src/app.ts"))).toBe(true);
  });
});
