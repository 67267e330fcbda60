/**
 * Restart persistence with real processes: `bun src/index.ts` is started, given users and sessions, stopped with
 * SIGTERM while a request is in flight, and started again on the same DATA_DIR (or PostgreSQL schema). Also: a
 * malformed environment value stops start-up with one line naming the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import { dropSchema } from "./helpers/test-app.ts";

const ENTRY = join(import.meta.dir, "..", "src", "index.ts");
const ADMIN = { email: "root@restart.test", password: "root-password-1" };
const PASSWORD = "password-123";
const USERS = ["ada@example.com", "grace@example.com", "linus@example.com"];
const pgUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

let dataDir = "";
let schema: string | undefined;
let baseEnv: Record<string, string> = {};

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-restart-"));
  schema = pgUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
  baseEnv = {
    // Only what the process needs: nothing from the test runner's own environment leaks into its config.
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    AUTH_SECRET: "restart-secret-restart-secret-0123456789",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_ENABLED: "false",
    ARGON2_MEMORY_KIB: "8192",
    ARGON2_ITERATIONS: "1",
    ...(pgUrl && schema ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl, CACHE_PREFIX: `test:${randomBytes(6).toString("hex")}:` } : {}),
  };
});

afterAll(async () => {
  if (pgUrl && schema) await dropSchema(pgUrl, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

interface Running {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  readonly baseUrl: string;
}

/** Starts the server and resolves once it answers; rejects with its stderr if it exits first. */
async function start(): Promise<Running> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn([process.execPath, ENTRY], {
    env: { ...baseEnv, PORT: String(port), BASE_URL: baseUrl },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`server exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    }
    const ok = await fetch(`${baseUrl}/api/auth/ok`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { proc, baseUrl };
    await Bun.sleep(50);
  }
  proc.kill("SIGKILL");
  throw new Error("server did not answer within 30 s");
}

const clientAt = (baseUrl: string, token?: string) =>
  createAuthClient({
    baseURL: baseUrl,
    plugins: [adminClient()],
    fetchOptions: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });

describe("restart on the same DATA_DIR", () => {
  let first: Running | undefined;
  let second: Running | undefined;
  afterAll(() => {
    for (const running of [first, second]) {
      if (running && running.proc.exitCode === null) running.proc.kill("SIGKILL");
    }
  });

  it("keeps every user and session, and SIGTERM lets an in-flight request finish", async () => {
    first = await start();
    const client = clientAt(first.baseUrl);
    for (const email of USERS) {
      const { error } = await client.signUp.email({
        email,
        password: PASSWORD,
        name: email.split("@")[0] ?? "",
      });
      expect(error).toBeNull();
    }
    const signedIn = await client.signIn.email({ email: USERS[0] ?? "", password: PASSWORD });
    const oldToken = signedIn.data?.token ?? "";
    expect(oldToken).not.toBe("");

    // A request in flight: the headers and half the body are sent, the rest only after SIGTERM.
    const body = new TextEncoder().encode(JSON.stringify({ email: USERS[1], password: PASSWORD }));
    let sendRest: () => void = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.subarray(0, 16));
        sendRest = () => {
          controller.enqueue(body.subarray(16));
          controller.close();
        };
      },
    });
    const inFlight = fetch(`${first.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await Bun.sleep(200);
    first.proc.kill("SIGTERM");
    await Bun.sleep(200);
    expect(first.proc.exitCode).toBeNull();
    sendRest();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(((await finished.json()) as { token?: string }).token).toBeString();
    expect(await first.proc.exited).toBe(0);
    // Nothing is listening any more.
    expect(
      await fetch(`${first.baseUrl}/api/auth/ok`).then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused");

    second = await start();
    const again = clientAt(second.baseUrl);
    // The session opened before the restart is still valid.
    const session = await clientAt(second.baseUrl, oldToken).getSession();
    expect(session.data?.user.email).toBe(USERS[0]);
    for (const email of USERS) {
      const { data, error } = await again.signIn.email({ email, password: PASSWORD });
      expect(error).toBeNull();
      expect(data?.user.email).toBe(email);
    }
    // The platform admin is not created a second time, and no user went missing.
    const admin = await again.signIn.email(ADMIN);
    const list = await clientAt(second.baseUrl, admin.data?.token).admin.listUsers({ query: { limit: 100 } });
    expect(list.error).toBeNull();
    expect(list.data?.users.map((u) => u.email).sort()).toEqual([ADMIN.email, ...USERS].sort());

    second.proc.kill("SIGTERM");
    expect(await second.proc.exited).toBe(0);
  }, 90_000);
});

describe("start-up with a malformed environment value", () => {
  async function startWith(name: string, value: string) {
    const proc = Bun.spawn([process.execPath, ENTRY], {
      env: { ...baseEnv, PORT: "0", [name]: value },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    return { name, value, code, lines: `${stdout}${stderr}`.trim().split("\n") };
  }

  it("exits non-zero with one line naming the variable and the value given", async () => {
    // In parallel: each start-up loads the whole app before it reads the environment.
    const results = await Promise.all([
      startWith("PORT", "abc"),
      startWith("LOG_LEVEL", "loud"),
      startWith("REQUIRE_EMAIL_VERIFICATION", "maybe"),
    ]);
    for (const { name, value, code, lines } of results) {
      expect({ name, code }).not.toEqual({ name, code: 0 });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${name}:`);
      expect(lines[0]).toContain(JSON.stringify(value));
    }
  }, 30_000);
});
