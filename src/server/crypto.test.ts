import { describe, expect, it } from "vitest";
import { decryptBytes, encryptBytes, openSecret, randomKey, sealSecret } from "./crypto";

describe("sealed secrets", () => {
  it("round-trips under the master key and binds the context", () => {
    const sealed = sealSecret("0xprivate", "managed-wallet:0xabc");
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain("0xprivate");
    expect(openSecret(sealed, "managed-wallet:0xabc")).toBe("0xprivate");
    expect(() => openSecret(sealed, "managed-wallet:0xdef")).toThrow();
  });

  it("detects tampering", () => {
    const sealed = sealSecret("secret", "ctx");
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[3]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString("base64url");
    expect(() => openSecret(parts.join("."), "ctx")).toThrow();
    expect(() => openSecret("v0.a.b.c", "ctx")).toThrow(/unknown format/);
  });

  it("uses a fresh IV each time", () => {
    const key = randomKey();
    const first = encryptBytes(Buffer.from("same"), key);
    const second = encryptBytes(Buffer.from("same"), key);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(decryptBytes(second, key).toString()).toBe("same");
  });
});
