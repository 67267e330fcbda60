import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { type TOTP, URI } from "otpauth";
import { linkIn } from "../../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { call, createTenant, PASSWORD, signUp } from "../../../test/helpers/v1.ts";
import { captureLogger } from "../../authz/testing.ts";
import { createDb } from "../../platform/db/index.ts";
import { createAuditService } from "./service.ts";
import { verifyAuditChain } from "./verify.ts";

interface EventJson {
  id: string;
  seq: number;
  occurred_at: string;
  type: string;
  actor_type: string | null;
  actor_id: string | null;
  subject_id: string | null;
  tenant_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown> | null;
  hash: string;
  prev_hash: string;
}

interface EventList {
  data: EventJson[];
  next_cursor: string | null;
}

let t: TestApp;
let adminToken: string;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

async function events(query: string, token = adminToken) {
  return call<EventList>(t, "GET", `/v1/audit-events${query}`, { token });
}

async function allEvents(): Promise<EventJson[]> {
  const answer = await events("?scope=all&limit=200");
  expect(answer.status).toBe(200);
  return answer.body.data;
}

describe("authentication events", () => {
  it("records a successful sign-in with method, subject, address and user agent", async () => {
    const user = await signUp(t, "Signer");
    const response = await t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: PASSWORD },
      ip: "203.0.113.7",
      headers: { "user-agent": "audit-test/1.0" },
    });
    expect(response.status).toBe(200);
    const event = (await allEvents()).find((e) => e.type === "sign_in.succeeded" && e.subject_id === user.id);
    expect(event).toMatchObject({
      actor_type: "user",
      actor_id: user.id,
      tenant_id: null,
      ip: "203.0.113.7",
      user_agent: "audit-test/1.0",
      details: { method: "password" },
    });
  });

  it("records a sign-up as user.signed_up of the new account", async () => {
    const user = await signUp(t, "Newcomer");
    const event = (await allEvents()).find((e) => e.type === "user.signed_up" && e.subject_id === user.id);
    expect(event).toMatchObject({ actor_id: user.id, details: { method: "password" } });
  });

  it("records a failed sign-in with the identifier and reason, never the password", async () => {
    const user = await signUp(t, "Failer");
    const response = await t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: "wrong-password-123" },
      ip: "198.51.100.4",
    });
    expect(response.status).toBe(401);
    const event = (await allEvents()).find(
      (e) => e.type === "sign_in.failed" && e.details?.identifier === user.email,
    );
    expect(event).toMatchObject({ ip: "198.51.100.4", subject_id: user.id, details: { method: "password" } });
    expect(typeof event?.details?.reason).toBe("string");
    const stored = await t.deps.db.kysely.selectFrom("audit_event").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain("wrong-password-123");
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);
  });

  it("records a sign-out of the session's user", async () => {
    const user = await signUp(t, "Leaver");
    const response = await t.request("/api/auth/sign-out", { method: "POST", token: user.token, json: {} });
    expect(response.status).toBe(200);
    const event = (await allEvents()).find((e) => e.type === "sign_out" && e.subject_id === user.id);
    expect(event).toMatchObject({ actor_id: user.id });
  });

  it("records a password change by the user, and a refused one as failed", async () => {
    const user = await signUp(t, "Changer");
    const refused = await t.request("/api/auth/change-password", {
      token: user.token,
      json: { currentPassword: "not-the-password-1", newPassword: "a-new-password-42" },
    });
    expect(refused.status).toBe(400);
    const changed = await t.request("/api/auth/change-password", {
      token: user.token,
      json: { currentPassword: PASSWORD, newPassword: "a-new-password-42" },
    });
    expect(changed.status).toBe(200);
    const types = (await allEvents()).filter((e) => e.subject_id === user.id).map((e) => e.type);
    expect(types).toContain("password.changed");
    expect(types).toContain("password.changed_failed");
  });

  it("records an admin's ban and unban with the admin as actor", async () => {
    const user = await signUp(t, "Banned");
    const ban = await t.request("/api/auth/admin/ban-user", {
      token: adminToken,
      json: { userId: user.id, banReason: "spam" },
    });
    expect(ban.status).toBe(200);
    const unban = await t.request("/api/auth/admin/unban-user", {
      token: adminToken,
      json: { userId: user.id },
    });
    expect(unban.status).toBe(200);
    const mine = (await allEvents()).filter((e) => e.subject_id === user.id);
    const adminId = mine.find((e) => e.type === "user.banned")?.actor_id;
    expect(adminId).toBeTruthy();
    expect(adminId).not.toBe(user.id);
    expect(mine.find((e) => e.type === "user.banned")?.details).toEqual({ reason: "spam" });
    expect(mine.map((e) => e.type)).toContain("user.unbanned");
  });
});

describe("second-factor events", () => {
  const cookiesOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0])
      .join("; ");

  it("records the challenge, a wrong backup code as failed and the right one as a second-factor sign-in", async () => {
    const user = await signUp(t, "Factor");
    const enabled = await t.request("/api/auth/two-factor/enable", {
      token: user.token,
      json: { password: PASSWORD },
    });
    const { totpURI, backupCodes } = (await enabled.json()) as { totpURI: string; backupCodes: string[] };
    const totp = URI.parse(totpURI) as TOTP;
    const verified = await t.request("/api/auth/two-factor/verify-totp", {
      token: user.token,
      json: { code: totp.generate() },
    });
    expect(verified.status).toBe(200);

    const signIn = await t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: PASSWORD },
    });
    expect(((await signIn.json()) as { twoFactorRedirect?: boolean }).twoFactorRedirect).toBe(true);
    const cookie = cookiesOf(signIn);
    const wrong = await t.request("/api/auth/two-factor/verify-backup-code", {
      json: { code: "wrong-code" },
      headers: { cookie },
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    const right = await t.request("/api/auth/two-factor/verify-backup-code", {
      json: { code: backupCodes[0] },
      headers: { cookie },
    });
    expect(right.status).toBe(200);

    const events = await allEvents();
    const mine = events.filter((e) => e.subject_id === user.id).map((e) => `${e.type}:${e.details?.method}`);
    expect(mine).toContain("second_factor.succeeded:backup_code");
    expect(mine).toContain("sign_in.succeeded:two_factor_backup_code");
    expect(
      events.some((e) => e.type === "sign_in.second_factor_required" && e.details?.identifier === user.email),
    ).toBe(true);
    expect(events.some((e) => e.type === "second_factor.failed" && e.details?.method === "backup_code")).toBe(
      true,
    );
    expect(JSON.stringify(events)).not.toContain(backupCodes[0]);
  });
});

describe("reset and verification events", () => {
  const mailTo = (email: string, path: string) =>
    t.smtp.waitFor((mail) => mail.to.includes(email.toLowerCase()) && mail.text.includes(`/api/auth${path}`));

  it("records the verification of an e-mail address", async () => {
    const user = await signUp(t, "Verifier");
    const link = linkIn(await mailTo(user.email, "/verify-email?token="), t.config.baseUrl);
    const followed = await t.request(link.slice(t.config.baseUrl.length));
    expect(followed.status).toBeLessThan(400);
    const event = (await allEvents()).find((e) => e.type === "email.verified" && e.subject_id === user.id);
    expect(event).toBeDefined();
  });

  it("records a reset request and the reset itself, never the reset token", async () => {
    const user = await signUp(t, "Resetter");
    const requested = await t.request("/api/auth/request-password-reset", {
      json: { email: user.email, redirectTo: "/reset" },
    });
    expect(requested.status).toBe(200);
    const link = linkIn(await mailTo(user.email, "/reset-password/"), t.config.baseUrl);
    const token = new URL(link).pathname.split("/").at(-1) ?? "";
    const reset = await t.request("/api/auth/reset-password", {
      json: { newPassword: "a-reset-password-77", token },
    });
    expect(reset.status).toBe(200);
    const events = await allEvents();
    expect(events.find((e) => e.type === "password.reset_requested")?.details).toMatchObject({
      identifier: user.email,
    });
    expect(events.some((e) => e.type === "password.reset" && e.subject_id === user.id)).toBe(true);
    const stored = await t.deps.db.kysely.selectFrom("audit_event").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
  });
});

describe("GET /v1/audit-events", () => {
  it("answers 401 without a credential", async () => {
    const answer = await call(t, "GET", "/v1/audit-events?scope=all");
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "unauthenticated" });
  });

  it("lets a tenant owner read the tenant's events but refuses them every event of the platform", async () => {
    const owner = await signUp(t, "Owner");
    const tenant = await createTenant(t, owner.token);
    await t.deps.audit.append({
      type: "policy.created",
      tenantId: tenant,
      actorType: "user",
      actorId: owner.id,
    });
    await t.deps.audit.append({ type: "policy.created", tenantId: "another-tenant" });
    const own = await call<EventList>(t, "GET", "/v1/audit-events", { token: owner.token, tenant });
    expect(own.status).toBe(200);
    expect(own.body.data.length).toBeGreaterThan(0);
    expect(own.body.data.every((e) => e.tenant_id === tenant)).toBe(true);
    const all = await call(t, "GET", "/v1/audit-events?scope=all", { token: owner.token, tenant });
    expect(all.status).toBe(403);
    expect(all.body).toMatchObject({ code: "forbidden" });
  });

  it("refuses a plain member of the tenant", async () => {
    const member = await signUp(t, "Member");
    const answer = await call(t, "GET", "/v1/audit-events", { token: member.token });
    expect(answer.status).toBe(403);
  });

  it("pages newest first with an opaque cursor and filters by type, actor and time", async () => {
    const actor = crypto.randomUUID();
    for (let i = 0; i < 5; i++)
      await t.deps.audit.append({ type: "test.paged", actorId: actor, actorType: "user" });
    const first = await events(`?scope=all&type=test.paged&actor=${actor}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toBeString();
    const second = await events(
      `?scope=all&type=test.paged&actor=${actor}&limit=2&cursor=${first.body.next_cursor}`,
    );
    const third = await events(
      `?scope=all&type=test.paged&actor=${actor}&limit=2&cursor=${second.body.next_cursor}`,
    );
    const seqs = [...first.body.data, ...second.body.data, ...third.body.data].map((e) => e.seq);
    expect(seqs).toHaveLength(5);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(third.body.next_cursor).toBeNull();
    const future = await events(
      `?scope=all&type=test.paged&from=${encodeURIComponent("2999-01-01T00:00:00Z")}`,
    );
    expect(future.body.data).toHaveLength(0);
    const past = await events(`?scope=all&type=test.paged&to=${encodeURIComponent("2999-01-01T00:00:00Z")}`);
    expect(past.body.data.length).toBeGreaterThanOrEqual(5);
  });

  it("answers 400 invalid_request for a bad cursor, time or limit", async () => {
    for (const query of [
      "?cursor=not-a-cursor",
      "?from=yesterday",
      "?limit=0",
      "?limit=201",
      "?from=2020-01-02&to=2020-01-01",
      "?actor=%00",
      "?subject=a%00b",
      "?type=x%00",
    ]) {
      const answer = await events(query);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({
        query,
        status: 400,
        code: "invalid_request",
      });
    }
  });
});

describe("the hash chain", () => {
  it("verifies, and detects a changed event and a deleted one", async () => {
    await t.deps.audit.append({ type: "test.chain" });
    const target = await t.deps.audit.append({ type: "test.chain", details: { n: 1 } });
    await t.deps.audit.append({ type: "test.chain" });
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({ ok: true });

    const kysely = t.deps.db.kysely;
    await kysely
      .updateTable("audit_event")
      .set({ details: '{"n":2}' })
      .where("seq", "=", target.seq)
      .execute();
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({
      ok: false,
      seq: target.seq,
      reason: "hash",
    });
    await kysely
      .updateTable("audit_event")
      .set({ details: '{"n":1}' })
      .where("seq", "=", target.seq)
      .execute();
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({ ok: true });

    const row = await kysely
      .selectFrom("audit_event")
      .selectAll()
      .where("seq", "=", target.seq)
      .executeTakeFirstOrThrow();
    await kysely.deleteFrom("audit_event").where("seq", "=", target.seq).execute();
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({
      ok: false,
      seq: target.seq + 1,
      reason: "gap",
    });
    await kysely.insertInto("audit_event").values(row).execute();
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({ ok: true });
  });

  it("stays one chain when two nodes append at once", async () => {
    // On PostgreSQL a second pool plays the second node. SQLite is one process's file (one writer): there the
    // second service shares the connection, as every part of one node does.
    const other = t.deps.db.dialect === "postgres" ? await createDb(t.config) : undefined;
    try {
      const second = createAuditService({
        db: other ?? t.deps.db,
        logger: captureLogger().logger,
        retentionDays: 0,
      });
      const before = (await verifyAuditChain(t.deps.audit)) as { events: number };
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? second : t.deps.audit).append({ type: "test.concurrent", details: { i } }),
        ),
      );
      const report = await verifyAuditChain(t.deps.audit);
      expect(report).toMatchObject({ ok: true, events: before.events + 20 });
    } finally {
      await other?.close();
    }
  });

  it("is checked by `npm run audit:verify`", async () => {
    const env = { ...process.env, DATA_DIR: t.config.dataDir, LOG_LEVEL: "silent" } as Record<string, string>;
    if (t.config.databaseUrl) env.DATABASE_URL = t.config.databaseUrl;
    if (t.config.databaseSchema) env.DATABASE_SCHEMA = t.config.databaseSchema;
    env.AUTH_SECRET = t.config.authSecret;
    const run = () => Bun.spawnSync(["bun", "src/audit-verify.ts"], { env, stdout: "pipe", stderr: "pipe" });
    const good = run();
    expect(good.exitCode).toBe(0);
    expect(JSON.parse(good.stdout.toString())).toMatchObject({ ok: true });
    const head = await t.deps.db.kysely
      .selectFrom("audit_event")
      .select("seq")
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`update audit_event set type = 'forged' where seq = ${head.seq}`.execute(t.deps.db.kysely);
    const bad = run();
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stdout.toString())).toMatchObject({ ok: false, reason: "hash" });
    await sql`update audit_event set type = 'test.concurrent' where seq = ${head.seq}`.execute(
      t.deps.db.kysely,
    );
  });
});

describe("retention and failures", () => {
  it("stores an event whose identifier or user agent holds NUL (PostgreSQL refuses NUL in text)", async () => {
    const event = await t.deps.audit.append({
      type: "sign_in.failed",
      userAgent: "evil\u0000agent",
      details: { identifier: "a\u0000b@example.test" },
    });
    expect(event.userAgent).toBe("evil\uFFFDagent");
    expect(event.details).toContain("a\uFFFDb@example.test");
  });

  it("logs the whole event when it cannot be stored, instead of losing it silently", async () => {
    const { logger, lines } = captureLogger();
    // Writes into a schema that does not exist: every write fails.
    const broken = createAuditService({
      db: { ...t.deps.db, kysely: t.deps.db.kysely.withSchema("no_such_schema") } as never,
      logger,
      retentionDays: 0,
    });
    await broken.record({ type: "sign_in.failed", details: { identifier: "lost@example.test" } });
    const line = lines.find((l) => l.msg === "audit event could not be stored");
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).toContain("lost@example.test");
  });

  // Last: it deletes the other tests' events.
  it("deletes events older than AUDIT_RETENTION_DAYS and the rest still verifies", async () => {
    const dayMs = 24 * 60 * 60 * 1000;
    const at = (days: number) => () => new Date(Date.now() + days * dayMs);
    const logger = captureLogger().logger;
    // Time passes: an event 100 days from now, then one 400 days from now under a 365-day retention.
    const inRange = await createAuditService({
      db: t.deps.db,
      logger,
      retentionDays: 0,
      now: at(100),
    }).append({
      type: "test.kept",
    });
    const latest = await createAuditService({
      db: t.deps.db,
      logger,
      retentionDays: 365,
      now: at(400),
    }).append({
      type: "test.latest",
    });
    const left = await t.deps.db.kysely.selectFrom("audit_event").select("id").orderBy("seq").execute();
    expect(left.map((row) => row.id)).toEqual([inRange.id, latest.id]);
    expect(await verifyAuditChain(t.deps.audit)).toMatchObject({ ok: true, events: 2 });
  });
});
