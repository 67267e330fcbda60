/**
 * The grants an account gave (rows of `oidc_payload` as oidc-provider stores them), listed and revoked by the
 * grant service directly: one entry per client with the union of its scopes, expired grants left out, and a
 * revocation that removes that client's grants and tokens of that account only, with one audit event. The same
 * through /account: test/pages/account-connected-apps.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import type { AuditEventInput } from "../../auth/audit-event.ts";
import { saveClient } from "../../http/oidc/clients.ts";
import { dateParam } from "../../platform/db/values.ts";
import { createGrantService } from "./grants.ts";

let t: TestApp;
const events: AuditEventInput[] = [];
let grants: ReturnType<typeof createGrantService>;
let row = 0;

beforeAll(async () => {
  t = await createTestApp();
  grants = createGrantService({
    db: t.deps.db,
    record: async (event) => {
      events.push(event);
    },
  });
  await saveClient(t.deps.db, {
    client_id: "grants-app",
    client_name: "Grants App",
    redirect_uris: ["https://app.example/cb"],
    tenant_id: "tenant-x",
  });
});
afterAll(async () => {
  await t?.close();
});

/** A row as the provider's adapter writes it (src/http/oidc/adapter.ts). */
async function put(model: string, payload: Record<string, unknown>, expiresInSeconds = 3600) {
  row += 1;
  const id = `${model}-${row}`;
  await t.deps.db.kysely
    .insertInto("oidc_payload")
    .values({
      model,
      id,
      payload: JSON.stringify({ jti: id, ...payload }),
      grantId: (payload.grantId as string | undefined) ?? null,
      userCode: null,
      uid: null,
      accountId: (payload.accountId as string | undefined) ?? null,
      expiresAt: dateParam(t.deps.db.dialect, new Date(Date.now() + expiresInSeconds * 1000)),
      consumedAt: null,
    })
    .execute();
  return id;
}

const grant = (accountId: string, clientId: string, scope: string, iat: number, ttl = 3600) =>
  put("Grant", { accountId, clientId, openid: { scope }, iat, exp: iat + ttl }, ttl);

describe("the grant service", () => {
  it("lists one entry per client: its name, the union of its grants' scopes, the latest time", async () => {
    await grant("acct-list", "grants-app", "openid email", 1_700_000_000);
    await grant("acct-list", "grants-app", "openid profile", 1_700_000_500);
    await grant("acct-list", "unknown-app", "openid", 1_600_000_000);
    await grant("acct-list", "expired-app", "openid", 1_700_000_000, -10);
    expect(await grants.list("acct-list")).toEqual([
      {
        clientId: "grants-app",
        clientName: "Grants App",
        scopes: ["openid", "email", "profile"],
        grantedAt: new Date(1_700_000_500 * 1000),
      },
      {
        clientId: "unknown-app",
        clientName: "unknown-app",
        scopes: ["openid"],
        grantedAt: new Date(1_600_000_000_000),
      },
    ]);
  });

  it("revokes one client's grants and their tokens for that account, nothing else, and records it", async () => {
    const mine = await grant("acct-a", "grants-app", "openid", 1_700_000_000);
    const myOther = await grant("acct-a", "other-app", "openid", 1_700_000_000);
    const theirs = await grant("acct-b", "grants-app", "openid", 1_700_000_000);
    await put("RefreshToken", { accountId: "acct-a", clientId: "grants-app", grantId: mine });
    await put("AccessToken", { accountId: "acct-a", clientId: "grants-app", grantId: mine });
    await put("RefreshToken", { accountId: "acct-a", clientId: "other-app", grantId: myOther });
    await put("RefreshToken", { accountId: "acct-b", clientId: "grants-app", grantId: theirs });

    expect(await grants.revoke("acct-a", "grants-app", { ip: "203.0.113.9" })).toBe(true);
    const left = await t.deps.db.kysely
      .selectFrom("oidc_payload")
      .select(["model", "accountId", "grantId"])
      .where("accountId", "in", ["acct-a", "acct-b"])
      .orderBy("accountId")
      .orderBy("model")
      .execute();
    expect(left).toEqual([
      { model: "Grant", accountId: "acct-a", grantId: null },
      { model: "RefreshToken", accountId: "acct-a", grantId: myOther },
      { model: "Grant", accountId: "acct-b", grantId: null },
      { model: "RefreshToken", accountId: "acct-b", grantId: theirs },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "oauth_grant.revoked",
      actorType: "user",
      actorId: "acct-a",
      subjectType: "oauth_client",
      subjectId: "grants-app",
      tenantId: "tenant-x",
      ip: "203.0.113.9",
    });
  });

  it("answers false, and records nothing, when the account granted that client nothing", async () => {
    const before = events.length;
    expect(await grants.revoke("acct-nobody", "grants-app")).toBe(false);
    expect(events.length).toBe(before);
  });
});
