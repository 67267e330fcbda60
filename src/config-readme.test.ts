/**
 * The README's configuration table lists exactly the variables src/config.ts reads. What config.ts reads is
 * observed, not restated: loadConfig runs on an environment that records every name asked for (with a generic
 * OIDC provider configured, so the per-provider names are asked for too), and its source is scanned for names
 * read in branches that run only for some values.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SOCIAL_PROVIDERS } from "./config.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-config-readme-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A read name as the README writes it: one provider's variables stand for every provider's. */
function generic(name: string): string {
  const social = SOCIAL_PROVIDERS.map((p) => p.toUpperCase()).find((p) => name.startsWith(`${p}_CLIENT_`));
  if (social) return name.replace(social, "<PROVIDER>");
  return name.replace(/^OIDC_CORP_/, "OIDC_<ID>_");
}

function namesReadAtRun(): Set<string> {
  const given: Record<string, string> = {
    DATA_DIR: dataDir,
    AUTH_SECRET: "a-secret-of-at-least-32-characters-0123",
    OIDC_PROVIDERS: "corp",
    OIDC_CORP_ISSUER: "https://idp.example.com",
    OIDC_CORP_CLIENT_ID: "client",
    OIDC_CORP_CLIENT_SECRET: "secret",
  };
  const read = new Set<string>();
  const env = new Proxy(given, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return typeof name === "string" ? target[name] : undefined;
    },
  });
  loadConfig(env, () => {});
  return read;
}

/** Names passed literally to a reader in config.ts: `optional(env, "X")`, `integer(env, "X", …)`, `env.X`. */
function namesInSource(): Set<string> {
  const source = readFileSync(join(import.meta.dir, "config.ts"), "utf8");
  const literal = [...source.matchAll(/\(env, "([A-Z][A-Z0-9_]*)"/g)].map(([, name]) => name ?? "");
  const member = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map(([, name]) => name ?? "");
  return new Set([...literal, ...member]);
}

/** The first column of the table under "## Configuration": every backquoted name in it. */
function namesInReadme(): Set<string> {
  const readme = readFileSync(join(import.meta.dir, "..", "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("Configuration")) ?? "";
  const rows = section.split("\n").filter((line) => /^\|\s*`/.test(line));
  const names = rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map(([, n]) => n ?? ""),
  );
  return new Set(names);
}

describe("README configuration table", () => {
  const read = new Set([...namesReadAtRun(), ...namesInSource()].map(generic));
  const documented = namesInReadme();

  it("lists every variable src/config.ts reads", () => {
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it("lists no variable src/config.ts does not read", () => {
    expect([...documented].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it("sees the variables that are read only for some values", () => {
    // Guards the observation itself: were the provider or OIDC reads missed, the comparison would prove little.
    expect([...read]).toEqual(
      expect.arrayContaining(["<PROVIDER>_CLIENT_ID", "OIDC_<ID>_SCOPES", "SMS_API_URL", "AUTH_SECRET"]),
    );
  });
});
