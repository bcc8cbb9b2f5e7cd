import "server-only";
import { randomUUID } from "node:crypto";
import { getEnv } from "~/env";
import { decryptBytes, encryptBytes, openSecret, randomKey, sealSecret } from "~/server/crypto";
import { createFsBackend, createS3Backend, type BlobBackend } from "./blob-backend";

/**
 * Encrypted blob store. Each blob gets its own AES-256-GCM key, wrapped by the master key and
 * kept beside the blob; deleting the wrapped key (or the blob) shreds it. Objects:
 * <key>.bin = iv(12) | tag(16) | ciphertext, and <key>.key = sealed key; in BLOB_DIR
 * (BLOB_STORE=fs, the default) or in S3_BUCKET (BLOB_STORE=s3).
 */
const KEY_PATTERN = /^[a-z0-9-]{8,64}$/;

let cached: { config: string; backend: BlobBackend } | undefined;

/** The backend the configuration names (re-read when tests change it). */
export function getBlobBackend(): BlobBackend {
  const env = getEnv();
  const config = JSON.stringify([
    env.BLOB_STORE,
    env.BLOB_DIR,
    env.S3_BUCKET,
    env.S3_ENDPOINT,
    env.S3_PREFIX,
  ]);
  if (cached?.config !== config)
    cached = {
      config,
      backend: env.BLOB_STORE === "s3" ? createS3Backend(env) : createFsBackend(env.BLOB_DIR),
    };
  return cached.backend;
}

function objectName(key: string, extension: "bin" | "key"): string {
  if (!KEY_PATTERN.test(key)) throw new Error("Invalid blob key");
  return `${key}.${extension}`;
}

export async function putBlob(plain: Uint8Array): Promise<string> {
  const backend = getBlobBackend();
  const key = randomUUID();
  const dataKey = randomKey();
  const { iv, tag, ciphertext } = encryptBytes(plain, dataKey, key);
  await backend.put(
    objectName(key, "key"),
    Buffer.from(sealSecret(dataKey.toString("hex"), `blob:${key}`)),
  );
  await backend.put(objectName(key, "bin"), Buffer.concat([iv, tag, ciphertext]));
  return key;
}

export async function getBlob(key: string): Promise<Buffer> {
  const backend = getBlobBackend();
  const [sealedKey, sealed] = await Promise.all([
    backend.get(objectName(key, "key")),
    backend.get(objectName(key, "bin")),
  ]);
  const dataKey = Buffer.from(openSecret(sealedKey.toString("utf8"), `blob:${key}`), "hex");
  return decryptBytes(
    { iv: sealed.subarray(0, 12), tag: sealed.subarray(12, 28), ciphertext: sealed.subarray(28) },
    dataKey,
    key,
  );
}

/** Crypto-shredding: the key goes first, so a half-finished delete still leaves noise. */
export async function deleteBlob(key: string): Promise<void> {
  const backend = getBlobBackend();
  await backend.delete(objectName(key, "key"));
  await backend.delete(objectName(key, "bin"));
}
