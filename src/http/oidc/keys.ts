/**
 * The provider's signing keys: generated at the first start, stored in `oidc_payload` (model `SigningKey`)
 * sealed under AUTH_SECRET (src/platform/sealed.ts), so
 * every node signs with the same keys. `rotateSigningKey` adds a new key that signs from then on; the keys it
 * retires stay in the JWKS until every token they signed has expired (`expiresAt` of their row). A running node
 * compares `signingKeyVersion` with the version of the keys it serves, on a short interval, and rebuilds its
 * provider when they differ (src/http/oidc/index.ts).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { Db } from "../../platform/db/index.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";
import { createSealer } from "../../platform/sealed.ts";

// The purpose the keys were first sealed under: changing it makes the stored keys unreadable.
const SEAL_PURPOSE = "gatehouse oidc signing keys";

const MODEL = "SigningKey";
// RSA 2048 with RS256: the one algorithm every OIDC client must support (OpenID Connect Core 1.0, section 15.1).
const MODULUS_BITS = 2048;

export interface SigningJwk {
  readonly kid: string;
  readonly kty: string;
  readonly alg: string;
  readonly use: string;
  readonly [member: string]: unknown;
}

function newKey(): SigningJwk {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: MODULUS_BITS });
  return {
    ...privateKey.export({ format: "jwk" }),
    kid: randomUUID(),
    alg: "RS256",
    use: "sig",
  } as SigningJwk;
}

interface KeyRow {
  id: string;
  payload: string;
  expiresAt: unknown;
  uid: unknown;
}

/** The rows of the live keys, newest first. */
function liveRows<T extends Omit<KeyRow, "payload">>(rows: readonly T[]): T[] {
  return (
    rows
      .filter((row) => {
        const expiresAt = toDate(row.expiresAt, true);
        return !expiresAt || expiresAt.getTime() > Date.now();
      })
      // `uid` holds the creation time (ISO text sorts in time order): newest first.
      .sort((a, b) => String(b.uid).localeCompare(String(a.uid)))
  );
}

/** Live keys, the signing one (newest) first: oidc-provider signs with the first key of an algorithm. */
async function liveKeys(db: Db, secret: string): Promise<SigningJwk[]> {
  const rows = (await db.kysely
    .selectFrom("oidc_payload")
    .select(["id", "payload", "expiresAt", "uid"])
    .where("model", "=", MODEL)
    .execute()) as KeyRow[];
  const sealer = createSealer(secret, SEAL_PURPOSE);
  return liveRows(rows).map((row) => sealer.openJson<{ jwk: SigningJwk }>(row.payload).jwk);
}

/** Which keys are live, in signing order: equal versions mean the same JWKS and the same signing key. */
export function keyVersionOf(keys: readonly SigningJwk[]): string {
  return keys.map((key) => key.kid).join(" ");
}

/**
 * The version of the keys stored now (as keyVersionOf would give for them), without opening them: one indexed
 * read of a few short columns, cheap enough for every node to make every few seconds.
 */
export async function signingKeyVersion(db: Db): Promise<string> {
  const rows = (await db.kysely
    .selectFrom("oidc_payload")
    .select(["id", "expiresAt", "uid"])
    .where("model", "=", MODEL)
    .execute()) as Omit<KeyRow, "payload">[];
  return liveRows(rows)
    .map((row) => row.id)
    .join(" ");
}

async function insertKey(db: Db, secret: string, jwk: SigningJwk): Promise<void> {
  await db.kysely
    .insertInto("oidc_payload")
    .values({
      model: MODEL,
      id: jwk.kid,
      payload: createSealer(secret, SEAL_PURPOSE).sealJson({ jwk }),
      uid: new Date().toISOString(),
      grantId: null,
      userCode: null,
      accountId: null,
      expiresAt: null,
      consumedAt: null,
    })
    .execute();
}

/** The keys to serve, made at the first start. Two nodes starting at once may both make one; both then serve. */
export async function loadSigningKeys(db: Db, secret: string): Promise<SigningJwk[]> {
  const keys = await liveKeys(db, secret);
  if (keys.length > 0) return keys;
  await insertKey(db, secret, newKey());
  return liveKeys(db, secret);
}

/**
 * Makes a new signing key; the current ones stay published for `retainSeconds` (at least the longest lifetime of
 * a token they signed), then drop out of the JWKS. Running nodes pick the new key up within
 * OIDC_KEY_CHECK_SECONDS (src/http/oidc/index.ts).
 */
export async function rotateSigningKey(db: Db, secret: string, retainSeconds: number): Promise<string> {
  const retireAt = dateParam(db.dialect, new Date(Date.now() + retainSeconds * 1000));
  await db.kysely
    .updateTable("oidc_payload")
    .set({ expiresAt: retireAt })
    .where("model", "=", MODEL)
    .where("expiresAt", "is", null)
    .execute();
  const jwk = newKey();
  await insertKey(db, secret, jwk);
  return jwk.kid;
}
