import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "~/env";

/**
 * AES-256-GCM envelope encryption. Small secrets (wallet keys, salts, per-dataset keys) are
 * sealed under the master key; datasets are sealed under their own key (see storage/).
 * Sealed strings are "v1.<iv>.<tag>.<ciphertext>" in base64url, so the format can change later.
 */
const VERSION = "v1";

function masterKey(): Buffer {
  return Buffer.from(getEnv().MASTER_KEY.replace(/^0x/, ""), "hex");
}

export function encryptBytes(plain: Uint8Array, key: Uint8Array, associatedData?: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (associatedData) cipher.setAAD(Buffer.from(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

export function decryptBytes(
  sealed: { iv: Uint8Array; tag: Uint8Array; ciphertext: Uint8Array },
  key: Uint8Array,
  associatedData?: string,
): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
  if (associatedData) decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** Seals a small secret under the master key; `context` binds it to its purpose and owner. */
export function sealSecret(plain: string, context: string): string {
  const { iv, tag, ciphertext } = encryptBytes(Buffer.from(plain, "utf8"), masterKey(), context);
  return [VERSION, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function openSecret(sealed: string, context: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || !ciphertext) {
    throw new Error("Sealed secret has an unknown format");
  }
  const parts = [iv, tag, ciphertext].map((part) => Buffer.from(part, "base64url"));
  return decryptBytes(
    { iv: parts[0]!, tag: parts[1]!, ciphertext: parts[2]! },
    masterKey(),
    context,
  ).toString("utf8");
}

export function randomKey(): Buffer {
  return randomBytes(32);
}
