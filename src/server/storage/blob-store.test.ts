import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env";
import { deleteBlob, getBlob, putBlob } from "./blob-store";

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "blobs-"));
  process.env.BLOB_DIR = directory;
  resetEnvCache();
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("encrypted blob store", () => {
  it("stores only ciphertext on disk and reads back the plaintext", async () => {
    const plain = Buffer.from("name,ssn\nBlaine377 Hickle134,999-12-3456\n");
    const key = await putBlob(plain);
    const files = await readdir(directory);
    expect(files.sort()).toEqual([`${key}.bin`, `${key}.key`]);
    const onDisk = await readFile(path.join(directory, `${key}.bin`));
    expect(onDisk.includes(Buffer.from("999-12-3456"))).toBe(false);
    expect((await getBlob(key)).equals(plain)).toBe(true);
  });

  it("crypto-shreds on delete", async () => {
    const key = await putBlob(Buffer.from("x"));
    await deleteBlob(key);
    await expect(getBlob(key)).rejects.toThrow(/ENOENT/);
  });

  it("refuses keys that could escape the folder", async () => {
    await expect(getBlob("../../etc/passwd")).rejects.toThrow(/Invalid blob key/);
  });
});
