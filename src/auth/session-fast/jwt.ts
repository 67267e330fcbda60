/**
 * Verifies a Gatehouse JWT (`GET /api/auth/token`) as better-auth 1.7.25's verifyJWT does
 * (node_modules/better-auth/dist/plugins/jwt/verify.mjs: the key of the header's `kid` among the `jwks` rows,
 * issuer and audience the base URL unless the plugin names others, `sub` and `aud` required), without reading
 * every key from the database and importing it again on each request.
 *
 * The imported keys are kept in this process by `kid`. A key row never changes (better-auth only adds keys; a
 * rotation adds one with a new `kid`, which is not known here yet and so makes the set be read again at once).
 * A key removed from the table by hand stops verifying here when the set is next read: at the latest
 * KEYSET_MAX_AGE_MS later. What ends a JWT's validity early in normal operation — its session ending — is
 * checked by the caller on every request against the database (src/auth/jwt-session.ts), never kept here.
 */
import { importJWK, type JWTPayload, jwtVerify } from "jose";
import type { Auth } from "../index.ts";

interface JwksRow {
  readonly id: string;
  readonly publicKey: string;
  readonly alg?: string | null;
}

interface JwtPluginOptions {
  readonly jwt?: { readonly issuer?: string; readonly audience?: string | string[] };
  readonly jwks?: { readonly keyPairConfig?: { readonly alg?: string } };
}

type VerificationKey = { readonly key: Parameters<typeof jwtVerify>[1]; readonly alg: string };

// better-auth's default algorithm of keys stored without one (jwt/adapter.mjs).
const DEFAULT_ALG = "EdDSA";
// One read of the key set a minute costs nothing; a key deleted by hand (a leaked one) is dropped within it.
const KEYSET_MAX_AGE_MS = 60_000;

/** Verified tokens kept (a few hundred bytes each). */
const VERIFIED_MAX = 1000;

/** jose's time checks (no clock tolerance): not expired (`exp`), already valid (`nbf`). */
function inForce(payload: JWTPayload, now = Math.floor(Date.now() / 1000)): boolean {
  if (typeof payload.exp === "number" && payload.exp <= now) return false;
  return !(typeof payload.nbf === "number" && payload.nbf > now);
}

function kidOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
      kid?: unknown;
    };
    return typeof header.kid === "string" && header.kid !== "" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

export function createJwtVerifier(auth: Auth) {
  let keys = new Map<string, VerificationKey>();
  let readAt = 0;
  let reloading: Promise<void> | undefined;

  const settings = auth.$context.then((context) => {
    const plugin = (context.options.plugins ?? []).find((p) => p.id === "jwt") as
      | { options?: JwtPluginOptions }
      | undefined;
    const options = plugin?.options;
    const baseURL = typeof context.options.baseURL === "string" ? context.options.baseURL : undefined;
    return {
      context,
      issuer: options?.jwt?.issuer ?? baseURL,
      audience: options?.jwt?.audience ?? baseURL,
      defaultAlg: options?.jwks?.keyPairConfig?.alg ?? DEFAULT_ALG,
    };
  });

  /** The set as the table holds it now: keys already imported are reused, removed ones are dropped. */
  async function reload(): Promise<void> {
    const { context, defaultAlg } = await settings;
    const startedAt = Date.now();
    const rows = await context.adapter.findMany<JwksRow>({ model: "jwks" });
    const next = new Map<string, VerificationKey>();
    for (const row of rows) {
      const alg = row.alg ?? defaultAlg;
      const kept = keys.get(row.id);
      next.set(
        row.id,
        kept?.alg === alg ? kept : { key: await importJWK(JSON.parse(row.publicKey), alg), alg },
      );
    }
    keys = next;
    readAt = startedAt;
  }

  async function keyOf(kid: string): Promise<VerificationKey | undefined> {
    const known = keys.get(kid);
    if (known && Date.now() - readAt < KEYSET_MAX_AGE_MS) return known;
    // An unknown `kid` (a rotation) or an old set reads the set again (better-auth read it on every request),
    // once for concurrent requests.
    reloading ??= reload().finally(() => {
      reloading = undefined;
    });
    await reloading;
    return keys.get(kid);
  }

  // Tokens whose signature and claims were checked, by their text: a client sends one JWT for many requests,
  // and the signature check was most of their cost. The text is the key, so an entry only ever stands for
  // exactly that token; the key it was checked with must still be the set's (a deleted key ends it), and the
  // time claims are judged again on every request.
  const verified = new Map<string, { readonly key: VerificationKey; readonly payload: JWTPayload }>();

  function remember(token: string, key: VerificationKey, payload: JWTPayload): void {
    if (verified.size >= VERIFIED_MAX) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, { key, payload });
  }

  /** The JWT's payload when Gatehouse signed it and it is in force; null otherwise. */
  return async function verifyJwt(token: string): Promise<JWTPayload | null> {
    try {
      const kid = kidOf(token);
      if (!kid) return null;
      const key = await keyOf(kid);
      if (!key) return null;
      const known = verified.get(token);
      if (known && known.key === key) return inForce(known.payload) ? known.payload : null;
      const { issuer, audience } = await settings;
      const { payload } = await jwtVerify(token, key.key, {
        ...(issuer ? { issuer } : {}),
        ...(audience ? { audience } : {}),
        algorithms: [key.alg],
      });
      if (!payload.sub || !payload.aud) return null;
      remember(token, key, payload);
      return payload;
    } catch {
      return null;
    }
  };
}
