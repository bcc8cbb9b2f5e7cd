import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { getEnv } from "~/env";
import { decryptBytes, encryptBytes, openSecret, randomKey, sealSecret } from "~/server/crypto";

/**
 * Encrypted blob store on the filesystem. Each blob gets its own AES-256-GCM key, wrapped by
 * the master key and kept beside the blob; deleting the wrapped key (or the blob) shreds it.
 * Layout: <BLOB_DIR>/<key>.bin = iv(12) | tag(16) | ciphertext, and <key>.key = sealed key.
 */
const KEY_PATTERN = /^[a-z0-9-]{8,64}$/;

function blobPath(key: string, extension: "bin" | "key"): string {
  if (!KEY_PATTERN.test(key)) throw new Error("Invalid blob key");
  return path.join(path.resolve(getEnv().BLOB_DIR), `${key}.${extension}`);
}

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

export async function putBlob(plain: Uint8Array): Promise<string> {
  const key = randomUUID();
  const dataKey = randomKey();
  const { iv, tag, ciphertext } = encryptBytes(plain, dataKey, key);
  await mkdir(path.resolve(getEnv().BLOB_DIR), { recursive: true });
  await writeAtomically(blobPath(key, "key"), sealSecret(dataKey.toString("hex"), `blob:${key}`));
  await writeAtomically(blobPath(key, "bin"), Buffer.concat([iv, tag, ciphertext]));
  return key;
}

export async function getBlob(key: string): Promise<Buffer> {
  const [sealedKey, sealed] = await Promise.all([
    readFile(blobPath(key, "key"), "utf8"),
    readFile(blobPath(key, "bin")),
  ]);
  const dataKey = Buffer.from(openSecret(sealedKey, `blob:${key}`), "hex");
  return decryptBytes(
    { iv: sealed.subarray(0, 12), tag: sealed.subarray(12, 28), ciphertext: sealed.subarray(28) },
    dataKey,
    key,
  );
}

/** Crypto-shredding: the key goes first, so a half-finished delete still leaves noise. */
export async function deleteBlob(key: string): Promise<void> {
  await rm(blobPath(key, "key"), { force: true });
  await rm(blobPath(key, "bin"), { force: true });
}
