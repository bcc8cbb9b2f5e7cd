import "server-only";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import path from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Env } from "~/env";

/**
 * Where the encrypted blobs' bytes live: a folder on this machine (the embedded default), or
 * an S3-compatible bucket that several app servers share. Objects are opaque here: encryption
 * happens above (blob-store.ts), so the store only ever holds ciphertext and wrapped keys.
 */
export type BlobBackend = {
  put(name: string, data: Uint8Array): Promise<void>;
  /** The object's bytes; an error with code ENOENT when there is none. */
  get(name: string): Promise<Buffer>;
  delete(name: string): Promise<void>;
  /** Every object name, for backups. */
  list(): AsyncIterable<string>;
};

export function notFound(name: string): Error {
  return Object.assign(new Error(`ENOENT: no blob object ${name}`), { code: "ENOENT" });
}

export function createFsBackend(directory: string): BlobBackend {
  const root = path.resolve(directory);
  return {
    async put(name, data) {
      await mkdir(root, { recursive: true });
      // Written beside, then renamed: a crash never leaves half an object under its name.
      const temporary = path.join(root, `${name}.${randomUUID()}.tmp`);
      await writeFile(temporary, data);
      await rename(temporary, path.join(root, name));
    },
    get: (name) => readFile(path.join(root, name)),
    delete: (name) => rm(path.join(root, name), { force: true }),
    async *list() {
      const names = await readdir(root).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      });
      for (const name of names) if (!name.endsWith(".tmp")) yield name;
    },
  };
}

export function createS3Backend(env: Env): BlobBackend {
  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    // Stores other than AWS (MinIO, s3rver, many others) address buckets by path.
    forcePathStyle: Boolean(env.S3_ENDPOINT),
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
  });
  const Bucket = env.S3_BUCKET!;
  const key = (name: string) => `${env.S3_PREFIX}${name}`;
  return {
    async put(name, data) {
      await client.send(new PutObjectCommand({ Bucket, Key: key(name), Body: data }));
    },
    async get(name) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key(name) }));
        return Buffer.from(await object.Body!.transformToByteArray());
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchKey") throw notFound(name);
        throw error;
      }
    },
    async delete(name) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key(name) }));
    },
    async *list() {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: env.S3_PREFIX, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? [])
          if (object.Key) yield object.Key.slice(env.S3_PREFIX.length);
        token = page.NextContinuationToken;
      } while (token);
    },
  };
}
