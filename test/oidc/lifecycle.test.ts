/**
 * The end of an account ends what the OpenID Provider holds for it: after a ban or a deletion (admin API) the
 * refresh token fails with invalid_grant and the account's rows of `oidc_payload` (its provider session, grant,
 * refresh token) are gone (src/auth/plugins/account-ended.ts → src/http/oidc/adapter.ts revokeAccount).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import * as oidc from "openid-client";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import {
  authorize,
  CONFIDENTIAL,
  discover,
  pkce,
  REDIRECT_URI,
  signedInBrowser,
  startProvider,
} from "./helpers.ts";

let gatehouse: TestApp;
let config: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startProvider();
  config = await discover(gatehouse, CONFIDENTIAL.id, CONFIDENTIAL.secret);
});
afterAll(async () => {
  await gatehouse.close();
});

/** A new account with a refresh token of the confidential client. */
async function accountWithRefreshToken(email: string, password: string) {
  const adminToken = await gatehouse.signIn(ADMIN.email, ADMIN.password);
  const created = await gatehouse.request("/api/auth/admin/create-user", {
    token: adminToken,
    json: { email, password, name: "Lifecycle" },
  });
  expect(created.status).toBe(200);
  const userId = ((await created.json()) as { user: { id: string } }).user.id;
  const browser = await signedInBrowser(gatehouse, email, password);
  const { verifier, challenge } = await pkce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email offline_access",
    prompt: "consent",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  });
  const { stoppedAt } = await authorize(browser, url);
  const tokens = await tokenRequest({
    grant_type: "authorization_code",
    code: stoppedAt.searchParams.get("code") ?? "",
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
  });
  expect(tokens.status).toBe(200);
  return { adminToken, userId, refreshToken: String(tokens.body.refresh_token) };
}

async function tokenRequest(body: Record<string, string>) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The models of the rows the provider holds for the account, directly or under one of its grants. */
async function providerRows(userId: string, grantIds: readonly string[] = []) {
  const rows = await gatehouse.deps.db.kysely
    .selectFrom("oidc_payload")
    .select(["model", "grantId"])
    .where((eb) =>
      grantIds.length > 0
        ? eb.or([eb("accountId", "=", userId), eb("grantId", "in", grantIds)])
        : eb("accountId", "=", userId),
    )
    .execute();
  return {
    models: [...new Set(rows.map((row) => String(row.model)))].sort(),
    grantIds: [...new Set(rows.flatMap((row) => (row.grantId ? [String(row.grantId)] : [])))],
  };
}

describe("the end of an account ends its provider grants", () => {
  it("a ban (POST /api/auth/admin/ban-user) removes the grant, session and refresh token", async () => {
    const { adminToken, userId, refreshToken } = await accountWithRefreshToken(
      "lifecycle-banned@gatehouse.test",
      "lifecycle-banned-password-1",
    );
    const before = await providerRows(userId);
    expect(before.models).toEqual(expect.arrayContaining(["Grant", "RefreshToken", "Session"]));
    const banned = await gatehouse.request("/api/auth/admin/ban-user", {
      token: adminToken,
      json: { userId },
    });
    expect(banned.status).toBe(200);
    expect((await providerRows(userId, before.grantIds)).models).toEqual([]);
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(refreshed.body.error).toBe("invalid_grant");
  });

  it("a deletion (POST /api/auth/admin/remove-user) removes the grant, session and refresh token", async () => {
    const { adminToken, userId, refreshToken } = await accountWithRefreshToken(
      "lifecycle-deleted@gatehouse.test",
      "lifecycle-deleted-password-1",
    );
    const before = await providerRows(userId);
    expect(before.models).toEqual(expect.arrayContaining(["Grant", "RefreshToken", "Session"]));
    const removed = await gatehouse.request("/api/auth/admin/remove-user", {
      token: adminToken,
      json: { userId },
    });
    expect(removed.status).toBe(200);
    expect((await providerRows(userId, before.grantIds)).models).toEqual([]);
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
    expect(refreshed.body.error).toBe("invalid_grant");
  });
});

/** The local ports this process listens on over TCP (IPv4 and IPv6), read from /proc (the machine is Linux). */
function listeningPorts(): Set<number> {
  const inodes = new Set(
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        return match ? [match[1]] : [];
      } catch {
        return [];
      }
    }),
  );
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // Column 3 is the state (0A = LISTEN), column 9 the socket's inode.
      if (fields[3] === "0A" && inodes.has(fields[9] ?? "")) {
        ports.add(Number.parseInt(fields[1]?.split(":")[1] ?? "", 16));
      }
    }
  }
  return ports;
}

describe("closing the app's deps", () => {
  it("closes the provider's internal node:http server", async () => {
    const app = await createTestApp();
    const before = listeningPorts();
    const discovery = await app.request("/.well-known/openid-configuration");
    expect(discovery.status).toBe(200);
    const bridgePorts = [...listeningPorts()].filter((port) => !before.has(port));
    expect(bridgePorts).toHaveLength(1);
    await app.close();
    const after = listeningPorts();
    expect(bridgePorts.filter((port) => after.has(port))).toEqual([]);
  });
});
