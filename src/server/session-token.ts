import "server-only";
import { createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT } from "next-auth/jwt";

/**
 * next-auth's `decode` for the session cookie, cheaper: the encryption key is derived once per
 * secret instead of on every request, and a token already opened is not decrypted again (its
 * claims cannot change; its expiry is still checked each time). Key derivation and decryption
 * were about 8 % of a catalogue search's CPU on the server. Same derivation as next-auth 4
 * (`getDerivedEncryptionKey` with no salt) and the same check (A256GCM JWE, 15 s of clock
 * tolerance on the expiry); session-token.test.ts decodes next-auth's own tokens with it.
 * Whether the session was ended since is not this file's question (session-version.ts).
 */
const CLOCK_TOLERANCE_S = 15;
/** Tokens remembered; past this the memory starts again (a user's next request decrypts). */
const MAX_OPENED = 10_000;

let keyed: { secret: string; key: KeyObject; opened: Map<string, JWT> } | null = null;

function forSecret(secret: string) {
  if (keyed?.secret !== secret) {
    const bytes = hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
    keyed = { secret, key: createSecretKey(new Uint8Array(bytes)), opened: new Map() };
  }
  return keyed;
}

/** The token's claims; throws when it is not one this secret made, was altered or expired. */
export async function decodeSessionToken(token: string, secret: string): Promise<JWT> {
  const { key, opened } = forSecret(secret);
  const known = opened.get(token);
  if (known) {
    if (typeof known.exp === "number" && Date.now() / 1000 - CLOCK_TOLERANCE_S > known.exp) {
      opened.delete(token);
      throw new Error('"exp" claim timestamp check failed');
    }
    return known;
  }
  const { payload } = await jwtDecrypt(token, key, { clockTolerance: CLOCK_TOLERANCE_S });
  if (opened.size >= MAX_OPENED) opened.clear();
  // Shared by every request carrying this token: frozen, so no caller can change it for the next.
  opened.set(token, Object.freeze(payload));
  return payload;
}
