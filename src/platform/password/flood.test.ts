/**
 * A sign-in flood beyond the hashing gate (src/platform/password/gate.ts), through every surface that signs in
 * or sets a password: the request beyond the queue is refused 503 with Retry-After in that surface's shape and
 * writes nothing, the queued ones succeed. The gate's slots are held by the test (not by timing), so which
 * request is refused is certain.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { pageClient } from "../../../test/helpers/page-forms.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { captureLogger } from "../../authz/testing.ts";

let t: TestApp;
let adminToken = "";
// Logged at warn, as a production server would: a refusal must not log an error (with a stack) per request.
const log = captureLogger();

beforeAll(async () => {
  t = await createTestApp({
    env: { PASSWORD_HASH_CONCURRENCY: "1", PASSWORD_HASH_QUEUE: "1", LOG_LEVEL: "warn" },
    logger: log.logger,
  });
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

/** Takes the gate's one slot until `release` is called. */
function holdSlot(): { release: () => Promise<void> } {
  let finish!: () => void;
  const held = t.deps.passwords.slots.run(
    () =>
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
  );
  return {
    async release() {
      finish();
      await held;
    },
  };
}

/** Waits (for the event, never for a time) until `count` calls wait at the gate. */
async function untilWaiting(count: number): Promise<void> {
  while (t.deps.passwords.slots.stats().waiting < count) await Bun.sleep(5);
}

async function userExists(email: string): Promise<boolean> {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirst();
  return row !== undefined;
}

const signIn = () =>
  t.request("/api/auth/sign-in/email", { json: { email: ADMIN.email, password: ADMIN.password } });

describe("a sign-in flood beyond the hashing queue", () => {
  // Each case: slot held, queue filled by one sign-in, then the surface's request is the one too many.
  async function refused(send: () => Promise<Response>): Promise<Response> {
    const slot = holdSlot();
    const queued = signIn();
    await untilWaiting(1);
    const response = await send();
    await slot.release();
    // The queued sign-in went through once the slot was free.
    const queuedAnswer = await queued;
    expect(queuedAnswer.status).toBe(200);
    expect(((await queuedAnswer.json()) as { token?: string }).token).toBeString();
    return response;
  }

  it("POST /api/auth/sign-in/email answers 503 SERVER_BUSY with Retry-After, in the caller's language", async () => {
    // better-call prints `# SERVER_ERROR` and a stack for anything but an APIError its handler caught.
    const printed: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => {
      printed.push(args);
    };
    let response: Response;
    try {
      response = await refused(() =>
        t.request("/api/auth/sign-in/email", {
          json: { email: ADMIN.email, password: ADMIN.password },
          headers: { "accept-language": "de" },
        }),
      );
    } finally {
      console.error = consoleError;
    }
    expect(printed.map((args) => String(args[0]))).toEqual([]);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({
      code: "SERVER_BUSY",
      message: "Der Server ist ausgelastet; versuchen Sie es gleich noch einmal",
    });
    // Load shed on purpose: no error line (better-auth logs what its handler caught).
    expect(log.lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("POST /api/auth/sign-up/email answers 503 SERVER_BUSY and creates no user", async () => {
    const email = "flood-sign-up@example.com";
    const response = await refused(() =>
      t.request("/api/auth/sign-up/email", { json: { email, password: "flood-password-1", name: "Flood" } }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({ code: "SERVER_BUSY", message: expect.any(String) });
    expect(await userExists(email)).toBe(false);
  });

  it("POST /v1/login and /v1/signup (Hasura) answer 503 service-unavailable; no user is created", async () => {
    const login = await refused(() =>
      t.request("/v1/login", {
        json: { provider: "email", data: { email: ADMIN.email, password: ADMIN.password } },
      }),
    );
    expect(login.status).toBe(503);
    expect(login.headers.get("retry-after")).toBe("1");
    expect(await login.json()).toEqual({ code: "service-unavailable", message: expect.any(String) });

    const email = "flood-hasura@example.com";
    const signup = await refused(() =>
      t.request("/v1/signup", { json: { provider: "email", data: { email, password: "flood-password-1" } } }),
    );
    expect(signup.status).toBe(503);
    expect(signup.headers.get("retry-after")).toBe("1");
    expect(await signup.json()).toEqual({ code: "service-unavailable", message: expect.any(String) });
    expect(await userExists(email)).toBe(false);
  });

  it("POST /v1/users with a password answers 503 server_busy in the native shape; no user is created", async () => {
    const email = "flood-native@example.com";
    const response = await refused(() =>
      t.request("/v1/users", { token: adminToken, json: { email, password: "flood-password-1", name: "N" } }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({
      code: "server_busy",
      error: "server_busy",
      message: "The server is busy; try again in a moment",
    });
    expect(await userExists(email)).toBe(false);
  });

  it("POST /api/admin/users/ (GeoLens) answers 503 in FastAPI's shape; no user is created", async () => {
    const email = "flood-geolens@example.com";
    const response = await refused(() =>
      t.request("/api/admin/users/", {
        token: adminToken,
        json: { email, password: "flood-password-1", username: "floodgeolens" },
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({ detail: "Service Unavailable" });
    expect(await userExists(email)).toBe(false);
  });

  it("the sign-in page's form answers the 503 page with Retry-After, and signs nobody in", async () => {
    const page = pageClient(t);
    await page.get("/sign-in");
    const response = await refused(() =>
      page.post("/sign-in", { identifier: ADMIN.email, password: ADMIN.password }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.getSetCookie().some((line) => line.includes("session_token="))).toBe(false);
  });

  it("POST /api/auth/change-password answers 503 and keeps the old password", async () => {
    const response = await refused(() =>
      t.request("/api/auth/change-password", {
        token: adminToken,
        json: { currentPassword: ADMIN.password, newPassword: "another-password-9" },
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect((await signIn()).status).toBe(200);
  });
});

describe("a sign-in flood within the hashing queue", () => {
  it("queues every request and lets each succeed", async () => {
    const slot = holdSlot();
    // Queue of one: the first waits at the gate, the others wait for the held slot to pass on, one at a time.
    const first = signIn();
    await untilWaiting(1);
    await slot.release();
    expect((await first).status).toBe(200);
    const answers = await Promise.all([signIn(), signIn()]);
    // With one slot and one place in the queue, two at once always fit: one runs, one waits.
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(t.deps.passwords.slots.stats()).toEqual({ running: 0, waiting: 0 });
  });
});
