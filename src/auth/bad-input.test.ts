/**
 * Bad input to the core auth endpoints, sent over a real socket: every refusal is a 4xx with better-auth's
 * `{code, message}` body, never a 500, and sign-in answers an unknown address exactly like a wrong password.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "password-123";

let t: TestApp;
let token = "";
beforeAll(async () => {
  t = await createTestApp({
    // The production argon2id parameters rather than the harness's cheapest ones, so that a password hash
    // dominates a sign-in's time: the timing test below must be able to tell a request that hashes from one
    // that does not.
    env: { ARGON2_MEMORY_KIB: "19456", ARGON2_ITERATIONS: "2" },
  });
  await t.listen();
  await post("/sign-up/email", { email: "known@example.com", password: PASSWORD, name: "Known" });
  token = await t.signIn("known@example.com", PASSWORD);
});
afterAll(() => t.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const auth = () => ({ authorization: `Bearer ${token}` });

interface ErrorBody {
  code: string;
  message: string;
}

/** Asserts a refusal in better-auth's shape and returns its body. */
async function expectError(res: Response, status: number, code?: string): Promise<ErrorBody> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = JSON.parse(text) as ErrorBody;
  expect(body.code).toBeString();
  expect(body.message).toBeString();
  expect(body.message.length).toBeGreaterThan(0);
  if (code) expect(body.code).toBe(code);
  return body;
}

async function userCount(email: string): Promise<number> {
  const rows = await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", email).execute();
  return rows.length;
}

describe("malformed JSON", () => {
  const cases: [string, Record<string, string>][] = [
    ["/sign-up/email", {}],
    ["/sign-in/email", {}],
    ["/request-password-reset", {}],
    ["/forget-password", {}],
    ["/reset-password", {}],
    ["/send-verification-email", {}],
    ["/change-password", { authorization: "" }],
    ["/update-user", { authorization: "" }],
    ["/change-email", { authorization: "" }],
    ["/revoke-session", { authorization: "" }],
    ["/unlink-account", { authorization: "" }],
  ];
  for (const [path, headers] of cases) {
    it(`POST ${path} answers 400`, async () => {
      const withAuth = "authorization" in headers ? auth() : {};
      await expectError(await post(path, '{"email": "a@example.com", ', withAuth), 400);
    });
  }

  it("POST /account-info (the older form) answers 400", async () => {
    await expectError(await post("/account-info", "{not json", auth()), 400, "INVALID_JSON");
  });
});

describe("missing fields and wrong types", () => {
  it("POST /sign-up/email without a body answers 400", async () => {
    await expectError(await post("/sign-up/email", ""), 400);
  });

  it("POST /sign-up/email with {} answers 400 VALIDATION_ERROR", async () => {
    await expectError(await post("/sign-up/email", {}), 400, "VALIDATION_ERROR");
  });

  it("POST /sign-in/email without a password answers 400", async () => {
    await expectError(await post("/sign-in/email", { email: "known@example.com" }), 400, "VALIDATION_ERROR");
  });

  it("answers 400 for a JSON array, null or a string instead of an object", async () => {
    for (const body of ["[]", "null", '"text"', "42"]) {
      await expectError(await post("/sign-in/email", body), 400);
    }
  });

  it("answers 400 for numbers and booleans where strings belong", async () => {
    await expectError(await post("/sign-in/email", { email: 5, password: true }), 400, "VALIDATION_ERROR");
    await expectError(
      await post("/sign-up/email", { email: "types@example.com", password: 12345678, name: 3 }),
      400,
      "VALIDATION_ERROR",
    );
    await expectError(
      await post("/change-password", { currentPassword: PASSWORD, newPassword: ["x"] }, auth()),
      400,
      "VALIDATION_ERROR",
    );
    await expectError(
      await post("/sign-in/email", {
        ...{ email: "known@example.com", password: PASSWORD },
        rememberMe: "yes",
      }),
      400,
    );
    expect(await userCount("types@example.com")).toBe(0);
  });

  it("answers 400 for a body of an unsupported media type", async () => {
    const res = await post("/sign-in/email", "email=known@example.com", { "content-type": "text/plain" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await expectError(res, res.status);
  });
});

describe("a 10 MB body", () => {
  const tenMegabytes = () =>
    JSON.stringify({ email: "big@example.com", password: PASSWORD, name: "x".repeat(10 * 1024 * 1024) });

  it("is refused with 413 {code, message} when its length is declared", async () => {
    await expectError(await post("/sign-up/email", tenMegabytes()), 413, "PAYLOAD_TOO_LARGE");
    expect(await userCount("big@example.com")).toBe(0);
  });

  it("is refused with 413 {code, message} when it is sent in chunks", async () => {
    const bytes = new TextEncoder().encode(tenMegabytes());
    const chunk = 64 * 1024;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += chunk) {
          controller.enqueue(bytes.subarray(offset, offset + chunk));
        }
        controller.close();
      },
    });
    const res = await fetch(`${t.baseUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(await userCount("big@example.com")).toBe(0);
  });

  it("leaves the server answering, and a small chunked body still works", async () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ email: "known@example.com", password: PASSWORD }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const res = await fetch(`${t.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token: string }).token).toBeString();
  });
});

describe("POST /api/auth/sign-in/email with an unknown e-mail", () => {
  it("answers with the same status and body as a wrong password", async () => {
    const unknown = await post("/sign-in/email", { email: "nobody@example.com", password: PASSWORD });
    const wrong = await post("/sign-in/email", { email: "known@example.com", password: "wrong-password-1" });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.json(), await wrong.json()];
    expect(a).toEqual(b);
    expect(a).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
    expect(unknown.headers.get("set-cookie")).toBeNull();
  });

  it("takes about as long as a wrong password (a hash is computed in both cases)", async () => {
    const time = async (email: string, password: string) => {
      const started = performance.now();
      const res = await post("/sign-in/email", { email, password });
      await res.arrayBuffer();
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const median = (values: number[]) =>
      [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    // Warm both paths once, then interleave so that machine load affects both series alike.
    await time("nobody@example.com", PASSWORD);
    await time("known@example.com", "wrong-password-1");
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      unknown.push(await time(`nobody-${i}@example.com`, `guess-password-${i}`));
      wrong.push(await time("known@example.com", `guess-password-${i}`));
    }
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  }, 60_000);
});

describe("POST /api/auth/sign-up/email with an address already taken", () => {
  it("answers 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL and creates no second user", async () => {
    const email = "twice@example.com";
    expect((await post("/sign-up/email", { email, password: PASSWORD, name: "One" })).status).toBe(200);
    for (const again of [email, email.toUpperCase()]) {
      const res = await post("/sign-up/email", { email: again, password: "other-password-2", name: "Two" });
      await expectError(res, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    }
    expect(await userCount(email)).toBe(1);
    // The first password still holds; the second attempt changed nothing.
    expect(await t.signIn(email, PASSWORD)).toBeString();
  });
});

describe("password length", () => {
  const tooLong = "p".repeat(129);

  it("refuses a password over 128 characters everywhere with 400 PASSWORD_TOO_LONG", async () => {
    await expectError(
      await post("/sign-up/email", { email: "long@example.com", password: tooLong, name: "L" }),
      400,
      "PASSWORD_TOO_LONG",
    );
    expect(await userCount("long@example.com")).toBe(0);
    await expectError(
      await post("/sign-in/email", { email: "known@example.com", password: tooLong }),
      400,
      "PASSWORD_TOO_LONG",
    );
    await expectError(
      await post("/change-password", { currentPassword: PASSWORD, newPassword: tooLong }, auth()),
      400,
      "PASSWORD_TOO_LONG",
    );
    await expectError(
      await post("/reset-password", { newPassword: tooLong, token: "whatever" }),
      400,
      "PASSWORD_TOO_LONG",
    );
  });

  it("accepts exactly 128 characters", async () => {
    const res = await post("/sign-up/email", {
      email: "max@example.com",
      // Varied characters: one repeated character is refused as too simple, whatever its length.
      password: "pq7".repeat(43).slice(0, 128),
      name: "M",
    });
    expect(res.status).toBe(200);
  });

  it("refuses a password under 8 characters with 400 PASSWORD_TOO_SHORT", async () => {
    await expectError(
      await post("/sign-up/email", { email: "short@example.com", password: "1234567", name: "S" }),
      400,
      "PASSWORD_TOO_SHORT",
    );
    expect(await userCount("short@example.com")).toBe(0);
    await expectError(
      await post("/change-password", { currentPassword: PASSWORD, newPassword: "short" }, auth()),
      400,
      "PASSWORD_TOO_SHORT",
    );
    await expectError(
      await post("/reset-password", { newPassword: "short", token: "whatever" }),
      400,
      "PASSWORD_TOO_SHORT",
    );
  });
});

describe("invalid e-mail addresses", () => {
  for (const email of ["not-an-email", "a@", "@example.com", "a b@example.com", ""]) {
    it(`refuses ${JSON.stringify(email)} on sign-up and sign-in with 400`, async () => {
      await expectError(await post("/sign-up/email", { email, password: PASSWORD, name: "E" }), 400);
      await expectError(await post("/sign-in/email", { email, password: PASSWORD }), 400);
      expect(await userCount(email)).toBe(0);
    });
  }

  it("refuses an invalid new address on change-email with 400", async () => {
    await expectError(await post("/change-email", { newEmail: "not-an-email" }, auth()), 400);
  });
});

describe("paging parameters", () => {
  it("answers a negative or non-numeric limit/offset with 400 VALIDATION_ERROR (PostgreSQL would fail with 500)", async () => {
    const admin = await t.signIn("admin@gatehouse.test", "admin-password-1");
    const created = await post(
      "/organization/create",
      { name: "Paging", slug: `paging-${Date.now()}` },
      { authorization: `Bearer ${admin}` },
    );
    const org = (await created.json()) as { id: string };
    const paths = [
      `/organization/list-members?organizationId=${org.id}&offset=-1`,
      `/organization/list-members?organizationId=${org.id}&limit=-5`,
      `/organization/list-members?organizationId=${org.id}&limit=abc`,
      "/admin/list-users?offset=-2",
      "/admin/list-users?limit=1.5",
    ];
    for (const path of paths) {
      const res = await fetch(`${t.baseUrl}/api/auth${path}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      await expectError(res, 400, "VALIDATION_ERROR");
    }
    const ok = await fetch(`${t.baseUrl}/api/auth/admin/list-users?limit=2&offset=0`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(ok.status).toBe(200);
  });
});
