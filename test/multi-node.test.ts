/**
 * Two real Gatehouse processes on one PostgreSQL schema and one Redis: sessions, revocations, bans and
 * rate-limit counts are shared — what one node does, the other sees at once. Needs TEST_DATABASE_URL and
 * TEST_REDIS_URL (skipped otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import Redis from "ioredis";
import { ADMIN, dropSchema } from "./helpers/test-app.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;
const ENTRY = join(import.meta.dir, "..", "src", "index.ts");
const PASSWORD = "password-123";

interface Node {
  readonly url: string;
  readonly process: Subprocess;
  readonly dataDir: string;
  /** A request as from client address `ip` (the nodes trust X-Forwarded-For here). */
  request(
    path: string,
    init?: { json?: unknown; token?: string; ip?: string; method?: string },
  ): Promise<Response>;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

async function startNode(shared: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-node-"));
  const proc = Bun.spawn([process.execPath, ENTRY], {
    env: {
      ...process.env,
      ...shared,
      PORT: String(port),
      HOST: "127.0.0.1",
      BASE_URL: url,
      DATA_DIR: dataDir,
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const node: Node = {
    url,
    process: proc,
    dataDir,
    request(path, init = {}) {
      const headers = new Headers({ origin: url, "x-forwarded-for": init.ip ?? "198.51.100.1" });
      if (init.json !== undefined) headers.set("content-type", "application/json");
      if (init.token) headers.set("authorization", `Bearer ${init.token}`);
      return fetch(`${url}${path}`, {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
    },
  };
  // The first node migrates the schema; /health answers 200 only once the app is up.
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`gatehouse exited with ${proc.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return node;
    await Bun.sleep(100);
  }
  throw new Error("gatehouse did not become healthy");
}

async function signIn(node: Node, email: string, password: string, ip?: string): Promise<string> {
  const response = await node.request("/api/auth/sign-in/email", {
    json: { email, password },
    ...(ip ? { ip } : {}),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 200 || !body.token) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return body.token;
}

async function sessionEmail(node: Node, token: string): Promise<string | null> {
  const response = await node.request("/api/auth/get-session", { token });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { user?: { email: string } } | null;
  return body?.user?.email ?? null;
}

describe.skipIf(!DATABASE_URL || !REDIS_URL)("two Gatehouse nodes on one PostgreSQL and Redis", () => {
  const schema = `t_mn_${randomBytes(5).toString("hex")}`;
  const cachePrefix = `test:mn:${randomBytes(5).toString("hex")}:`;
  const nodes: Node[] = [];
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    const shared = {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: DATABASE_URL ?? "",
      DATABASE_SCHEMA: schema,
      REDIS_URL: REDIS_URL ?? "",
      CACHE_PREFIX: cachePrefix,
      AUTH_SECRET: "multi-node-secret-multi-node-secret-0123",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_ENABLED: "true",
      TRUST_PROXY: "true",
      ARGON2_MEMORY_KIB: "8192",
      ARGON2_ITERATIONS: "1",
    };
    a = await startNode(shared);
    nodes.push(a);
    // Started after the first is healthy, so the schema is already migrated.
    b = await startNode({ ...shared, TRUSTED_ORIGINS: a.url });
    nodes.push(b);
    for (const email of [
      "moves@example.com",
      "revoked@example.com",
      "banned@example.com",
      "limited@example.com",
    ]) {
      const up = await a.request("/api/auth/sign-up/email", {
        json: { email, password: PASSWORD, name: "Node" },
        ip: `203.0.113.${nodes.length + email.length}`,
      });
      expect(up.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) {
      node.process.kill();
      await node.process.exited;
      rmSync(node.dataDir, { recursive: true, force: true });
    }
    if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
    if (REDIS_URL) {
      const redis = new Redis(REDIS_URL);
      try {
        const keys = await redis.keys(`${cachePrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    }
  });

  it("accepts on one node a session made on the other", async () => {
    const token = await signIn(a, "moves@example.com", PASSWORD, "198.51.100.10");
    expect(await sessionEmail(b, token)).toBe("moves@example.com");
  });

  it("refuses on one node, at once, a session signed out on the other", async () => {
    const token = await signIn(a, "revoked@example.com", PASSWORD, "198.51.100.11");
    expect(await sessionEmail(b, token)).toBe("revoked@example.com");
    const out = await b.request("/api/auth/sign-out", { method: "POST", token });
    expect(out.status).toBe(200);
    expect(await sessionEmail(a, token)).toBeNull();
  });

  it("refuses on one node, at once, the sessions of a user banned on the other", async () => {
    const token = await signIn(a, "banned@example.com", PASSWORD, "198.51.100.12");
    const session = (await (await a.request("/api/auth/get-session", { token })).json()) as {
      user: { id: string };
    };
    expect(await sessionEmail(b, token)).toBe("banned@example.com");
    const adminToken = await signIn(b, ADMIN.email, ADMIN.password, "198.51.100.13");
    const ban = await b.request("/api/auth/admin/ban-user", {
      json: { userId: session.user.id },
      token: adminToken,
    });
    expect(ban.status).toBe(200);
    expect(await sessionEmail(a, token)).toBeNull();
    const again = await a.request("/api/auth/sign-in/email", {
      json: { email: "banned@example.com", password: PASSWORD },
      ip: "198.51.100.14",
    });
    expect(again.status).toBe(403);
  });

  // Brute-force detection (src/auth/brute-force.ts): failures counted per account in the shared cache, whichever
  // node and address they come from; the 6th attempt after 5 wrong passwords is refused on either node.
  it("shares brute-force counts: five wrong passwords split over both nodes lock the account on each", async () => {
    for (let i = 0; i < 5; i++) {
      const node = i % 2 === 0 ? a : b;
      const wrong = await node.request("/api/auth/sign-in/email", {
        json: { email: "limited@example.com", password: `wrong-password-${i}` },
        ip: `198.51.100.${30 + i}`,
      });
      expect(wrong.status).toBe(401);
    }
    for (const node of [a, b]) {
      const limited = await node.request("/api/auth/sign-in/email", {
        json: { email: "limited@example.com", password: PASSWORD },
        ip: "198.51.100.20",
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await limited.json()) as { code: string }).code).toBe("RATE_LIMITED");
    }
  });
});
