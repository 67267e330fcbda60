/**
 * Values kept in the database that the server must read back but a reader of the database alone must not:
 * queued mail (reset links, codes), the OpenID Provider's private signing keys, OAuth client secrets. Sealed
 * with AES-256-GCM under a key derived from AUTH_SECRET and a purpose, so that one kind of sealed value never
 * opens as another. Format: base64 of iv (12 bytes) | tag (16 bytes) | ciphertext. Changing AUTH_SECRET makes
 * every sealed value unreadable; `open` then throws.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealer {
  seal(text: string): string;
  /** Throws when the value was sealed under another secret or purpose, or was tampered with. */
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson<T>(sealed: string): T;
}

export function createSealer(secret: string, purpose: string): Sealer {
  const key = createHash("sha256").update(`${purpose}\0`).update(secret).digest();
  const seal = (text: string) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  };
  const open = (sealed: string) => {
    const raw = Buffer.from(sealed, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  };
  return {
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
  };
}
