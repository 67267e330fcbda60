/**
 * A signing key rotated while two Gatehouse nodes run on one database (and one Redis, with TEST_REDIS_URL)
 * reaches both without a restart (src/http/oidc/index.ts checkKeys): each node's JWKS serves the new key first,
 * the ID tokens each node issues from then on carry its `kid` and verify against the JWKS by jose alone, and an
 * ID token signed by the retired key still verifies. The nodes check every second here
 * (OIDC_KEY_CHECK_SECONDS=1); the test polls with a generous timeout, it asserts no time.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { rotateSigningKey } from "../../src/http/oidc/keys.ts";
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

const env = { OIDC_KEY_CHECK_SECONDS: "1" };
// Far beyond the 1 s interval plus a provider build on a loaded machine; only a broken refresh waits this long.
const PROPAGATION_TIMEOUT_MS = 30_000;
// Two nodes to start, four authorization code flows and two propagations to wait for.
const TEST_TIMEOUT_MS = 2 * PROPAGATION_TIMEOUT_MS + 30_000;
const START_TIMEOUT_MS = 30_000;

let first: TestApp;
let second: TestApp;

beforeAll(async () => {
  first = await startProvider({ env });
  const { dataDir, databaseSchema } = first.config;
  second = await createTestApp({
    env,
    reuse: { dataDir, ...(databaseSchema ? { schema: databaseSchema } : {}) },
  });
  await second.listen();
}, START_TIMEOUT_MS);
afterAll(async () => {
  await second?.close();
  await first?.close();
});

async function jwksOf(node: TestApp): Promise<JSONWebKeySet> {
  const response = await fetch(`${node.baseUrl}/oidc/jwks`);
  expect(response.status).toBe(200);
  return (await response.json()) as JSONWebKeySet;
}

const kidsOf = async (node: TestApp) => (await jwksOf(node)).keys.map((key) => String(key.kid));

/** An ID token the node issues now, through the whole authorization code flow of the confidential client. */
async function idTokenFrom(node: TestApp): Promise<string> {
  const config = await discover(node, CONFIDENTIAL.id, CONFIDENTIAL.secret);
  const browser = await signedInBrowser(node, ADMIN.email, ADMIN.password);
  const { verifier, challenge } = await pkce();
  const nonce = oidc.randomNonce();
  const { stoppedAt } = await authorize(
    browser,
    oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }),
  );
  const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
  });
  return String(tokens.id_token);
}

/** Checks `holds` until it is true; fails with its last value after the timeout. */
async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await Bun.sleep(200);
  }
}

/** The token verifies against the node's JWKS (its issuer is that node's BASE_URL) and names its key. */
async function verifiedKid(node: TestApp, idToken: string): Promise<string> {
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(await jwksOf(node)), {
    issuer: node.baseUrl,
    audience: CONFIDENTIAL.id,
  });
  expect(payload.sub).toBeString();
  return String(decodeProtectedHeader(idToken).kid);
}

describe("a signing key rotated while two nodes run", () => {
  it(
    "reaches both nodes' JWKS and signing without a restart; the retired key still verifies",
    async () => {
      const oldToken = await idTokenFrom(second);
      const [oldKid] = await kidsOf(second);
      expect(await kidsOf(first)).toEqual([String(oldKid)]);
      expect(await verifiedKid(second, oldToken)).toBe(String(oldKid));

      // Rotated through the first node's database connection: the second node is told nothing.
      const newKid = await rotateSigningKey(first.deps.db, first.config.authSecret, 3600);

      for (const node of [second, first]) {
        const kids = await eventually(
          () => kidsOf(node),
          (current) => current[0] === newKid,
        );
        expect(kids).toEqual([newKid, String(oldKid)]);
        // The next token the node signs is signed with the new key.
        expect(await verifiedKid(node, await idTokenFrom(node))).toBe(newKid);
      }
      // The token signed before the rotation still verifies on the node that issued it.
      expect(await verifiedKid(second, oldToken)).toBe(String(oldKid));
    },
    TEST_TIMEOUT_MS,
  );
});
