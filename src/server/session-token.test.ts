import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { decodeSessionToken } from "./session-token";

const SECRET = "a-session-secret-of-at-least-thirty-two-characters";
const claims = {
  sub: "user-1",
  role: "RESEARCHER" as const,
  walletAddress: "0xabc",
  sessionVersion: 3,
};

describe("the session cookie's decoder", () => {
  it("reads what next-auth wrote with the same secret", async () => {
    const token = await encode({ token: claims, secret: SECRET });
    const read = await decodeSessionToken(token, SECRET);
    expect(read).toMatchObject(claims);
    // Kept for the token's next request: nobody may change it in between.
    expect(() => Object.assign(read, { role: "SPONSOR" })).toThrow(TypeError);
    expect(await decodeSessionToken(token, SECRET)).toMatchObject(claims);
  });

  it("refuses a token made with another secret, even after a first one was read", async () => {
    await decodeSessionToken(await encode({ token: claims, secret: SECRET }), SECRET);
    const forged = await encode({
      token: { ...claims, role: "SPONSOR" as const },
      secret: `${SECRET}!`,
    });
    await expect(decodeSessionToken(forged, SECRET)).rejects.toThrow();
    // The key follows the secret: a rotated secret reads its own tokens, not the old ones.
    await expect(decodeSessionToken(forged, `${SECRET}!`)).resolves.toMatchObject({
      role: "SPONSOR",
    });
    const old = await encode({ token: claims, secret: SECRET });
    await expect(decodeSessionToken(old, `${SECRET}!`)).rejects.toThrow();
  });

  it("refuses an altered token", async () => {
    const token = await encode({ token: claims, secret: SECRET });
    const parts = token.split(".");
    const ciphertext = parts[3]!;
    const flipped = ciphertext[0] === "A" ? `B${ciphertext.slice(1)}` : `A${ciphertext.slice(1)}`;
    parts[3] = flipped;
    await expect(decodeSessionToken(parts.join("."), SECRET)).rejects.toThrow();
  });

  it("refuses a token read before once it has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const token = await encode({ token: claims, secret: SECRET, maxAge: 60 });
      await expect(decodeSessionToken(token, SECRET)).resolves.toMatchObject(claims);
      vi.setSystemTime(Date.now() + 70_000);
      await expect(decodeSessionToken(token, SECRET)).resolves.toMatchObject(claims);
      vi.setSystemTime(Date.now() + 10_000);
      await expect(decodeSessionToken(token, SECRET)).rejects.toThrow(/exp/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses an expired token, past next-auth's 15 s of tolerance", async () => {
    const expired = await encode({ token: claims, secret: SECRET, maxAge: -60 });
    await expect(decodeSessionToken(expired, SECRET)).rejects.toThrow(/exp/);
    const justExpired = await encode({ token: claims, secret: SECRET, maxAge: -5 });
    await expect(decodeSessionToken(justExpired, SECRET)).resolves.toMatchObject(claims);
  });
});
