/**
 * Client secrets. Unlike an API key (src/identity/api-keys/service.ts), a client secret cannot be kept as a
 * one-way hash: the OpenID Provider is handed the secret itself (oidc-provider compares it, and uses it as the
 * HMAC key of HS256-signed ID tokens and client_secret_jwt assertions). So it is stored encrypted with
 * AES-256-GCM under a key derived from AUTH_SECRET (src/platform/sealed.ts): a reader of
 * the database alone learns nothing. Its SHA-256 is kept too, to check a presented secret in constant time
 * without decrypting. Changing AUTH_SECRET makes every stored secret unreadable: rotate the clients' secrets.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createSealer } from "../../platform/sealed.ts";

const SECRET_PREFIX = "ghcs_";

export interface SecretBox {
  /** A new random secret (256 bits), its ciphertext and its hash. */
  generate(): { raw: string; encrypted: string; hash: string };
  /** The secret, or null when it does not decrypt (AUTH_SECRET changed, or the row was tampered with). */
  decrypt(encrypted: string): string | null;
  /** Whether `presented` is the secret whose hash is `hash`, in constant time. */
  matches(hash: string, presented: string): boolean;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function createSecretBox(authSecret: string): SecretBox {
  // The purpose the secrets were first sealed under: changing it makes every stored secret unreadable.
  const sealer = createSealer(authSecret, "gatehouse oauth client secret");
  return {
    generate() {
      const raw = `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
      return { raw, encrypted: sealer.seal(raw), hash: sha256(raw).toString("hex") };
    },
    decrypt(encrypted) {
      try {
        return sealer.open(encrypted);
      } catch {
        return null;
      }
    },
    matches(hash, presented) {
      const expected = Buffer.from(hash, "hex");
      const actual = sha256(presented);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
