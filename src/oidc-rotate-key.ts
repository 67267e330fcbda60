/**
 * `npm run oidc:rotate-key`: gives the OpenID Provider a new signing key in the configured database
 * (DATABASE_URL, else the SQLite file in DATA_DIR) and prints it as JSON: the new `kid`, and how long the keys it
 * replaces stay published so that tokens they signed still verify. Running nodes serve and sign with the new key
 * within OIDC_KEY_CHECK_SECONDS, without a restart (src/http/oidc/index.ts). The database must have been migrated
 * (a first start of the server does it).
 */
import { loadConfig } from "./config.ts";
import { rotateSigningKey } from "./http/oidc/keys.ts";
import { TTL } from "./http/oidc/provider.ts";
import { createDb } from "./platform/db/index.ts";

// The longest lifetime of a token the provider signs (ID tokens, JWT access tokens); refresh tokens and codes are
// opaque, so a retired key is needed no longer than this.
const RETAIN_SECONDS = Math.max(TTL.IdToken, TTL.AccessToken, TTL.ClientCredentials);

const config = loadConfig();
const db = await createDb(config);
try {
  const kid = await rotateSigningKey(db, config.authSecret, RETAIN_SECONDS);
  const retiredAt = new Date(Date.now() + RETAIN_SECONDS * 1000).toISOString();
  console.log(
    JSON.stringify({ kid, previousKeysRetainedSeconds: RETAIN_SECONDS, previousKeysRetiredAt: retiredAt }),
  );
} finally {
  await db.close();
}
