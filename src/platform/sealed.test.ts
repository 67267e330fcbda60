import { describe, expect, it } from "bun:test";
import { createSealer } from "./sealed.ts";

const SECRET = "a-long-enough-auth-secret-for-the-test-0123456789";

describe("sealed values", () => {
  it("open what they sealed, text and JSON, and hide the plain text", () => {
    const sealer = createSealer(SECRET, "test purpose");
    const sealed = sealer.seal("reset link https://example.test/r?token=abc");
    expect(sealed).not.toContain("token");
    expect(sealer.open(sealed)).toBe("reset link https://example.test/r?token=abc");
    expect(sealer.openJson(sealer.sealJson({ to: "a@example.test", n: 1 }))).toEqual({
      to: "a@example.test",
      n: 1,
    });
    expect(sealer.seal("same")).not.toBe(sealer.seal("same"));
  });

  it("refuse another purpose, another secret and a tampered value", () => {
    const sealed = createSealer(SECRET, "mail").seal("code 123456");
    expect(() => createSealer(SECRET, "oidc").open(sealed)).toThrow();
    expect(() => createSealer(`${SECRET}x`, "mail").open(sealed)).toThrow();
    const bytes = Buffer.from(sealed, "base64");
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    expect(() => createSealer(SECRET, "mail").open(bytes.toString("base64"))).toThrow();
  });
});
