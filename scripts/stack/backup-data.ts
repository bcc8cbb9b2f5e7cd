import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import {
  dumpEmbeddedDatabase,
  findEmbeddedDatabase,
  startEmbeddedDatabase,
} from "~/server/embedded/start-database";
import type { Env } from "~/env";
import { createFsBackend, createS3Backend, type BlobBackend } from "~/server/storage/blob-backend";
import { readRunningStack } from "./lock";
import type { StackPaths } from "./paths";

/**
 * A backup folder holds one installation at one moment: the database (a copy PGlite made
 * between two transactions), the local chain's state, its contract addresses and every
 * encrypted blob object. Taken in that order while the app runs: the chain first, so the
 * database copy knows every transaction the chain copy has (and may know more: after a
 * restore the app re-sends those, as after a crash); the blobs last, so every blob the
 * database copy refers to is there.
 */
export const ZManifestSchema = z.object({
  format: z.literal(1),
  createdAt: z.string(),
  source: z.string(),
  files: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number() })),
  chain: z.object({ blockNumber: z.number() }).nullable(),
  blobs: z.number(),
});
export type TManifest = z.infer<typeof ZManifestSchema>;

export const LOCAL_DEPLOYMENT = "31337.json";

/** The installation's blob objects: its folder, or its bucket when BLOB_STORE=s3. */
function blobBackend(env: Env, paths: StackPaths): BlobBackend {
  return env.BLOB_STORE === "s3" ? createS3Backend(env) : createFsBackend(paths.blobs);
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

export function isNonEmptyFolder(folder: string): boolean {
  return existsSync(folder) && readdirSync(folder).length > 0;
}

async function chainStateNow(paths: StackPaths): Promise<Buffer | null> {
  const running = readRunningStack(paths.lock);
  if (running?.rpcUrl) {
    const response = await fetch(running.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_dumpState", params: [] }),
    });
    const { result, error } = (await response.json()) as {
      result?: string;
      error?: { message: string };
    };
    if (!result) throw new Error(`The local chain refused to copy its state: ${error?.message}`);
    return gunzipSync(Buffer.from(result.slice(2), "hex"));
  }
  // Nothing runs: the file is as the chain last wrote it on stop.
  return existsSync(paths.chainState) ? readFile(paths.chainState) : null;
}

export async function writeBackup(
  env: Env,
  paths: StackPaths,
  target: string,
  say: (message: string) => void,
): Promise<TManifest> {
  const work = `${target}.partial-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, "blobs"), { recursive: true });
  const files: TManifest["files"] = {};
  const put = async (name: string, data: Uint8Array) => {
    await writeFile(path.join(work, name), data);
    files[name] = { sha256: sha256(data), bytes: data.length };
  };
  try {
    const state = await chainStateNow(paths);
    let chain: TManifest["chain"] = null;
    if (state) {
      await put("chain-state.json", state);
      const parsed = JSON.parse(state.toString("utf8")) as { best_block_number?: string | number };
      chain = { blockNumber: Number(parsed.best_block_number ?? 0) };
      say(`chain state at block ${chain.blockNumber}`);
    }
    const deployment = path.join(paths.deployments, LOCAL_DEPLOYMENT);
    if (existsSync(deployment))
      await put(`deployment-${LOCAL_DEPLOYMENT}`, await readFile(deployment));

    const running = findEmbeddedDatabase(paths.database);
    const server = running ?? (await startEmbeddedDatabase({ dataDir: paths.database }));
    try {
      await put("database.tar.gz", await dumpEmbeddedDatabase(server.info));
    } finally {
      if (!running) await server.stop();
    }
    say(`database copied (${(files["database.tar.gz"]!.bytes / 1e6).toFixed(1)} MB)`);

    let blobs = 0;
    const backend = blobBackend(env, paths);
    for await (const name of backend.list()) {
      const data = await backend.get(name);
      await writeFile(path.join(work, "blobs", name), data);
      blobs += 1;
    }
    say(`${blobs} encrypted blob objects copied`);

    const manifest: TManifest = {
      format: 1,
      createdAt: new Date().toISOString(),
      source: paths.dataDir,
      files,
      chain,
      blobs,
    };
    await writeFile(path.join(work, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    // Complete before it takes the name: an interrupted backup never looks like a good one.
    await rm(target, { recursive: true, force: true });
    await rename(work, target);
    return manifest;
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

/** The manifest, after checking every file against it. */
export async function readBackup(folder: string): Promise<TManifest> {
  const file = path.join(folder, "manifest.json");
  if (!existsSync(file))
    throw new Error(`${folder} is not a TrialShare backup (no manifest.json).`);
  const manifest = ZManifestSchema.parse(JSON.parse(await readFile(file, "utf8")));
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = await readFile(path.join(folder, name)).catch(() => null);
    if (!data || sha256(data) !== expected.sha256)
      throw new Error(`${path.join(folder, name)} is missing or damaged (checksum differs).`);
  }
  if (!manifest.files["database.tar.gz"]) throw new Error(`${folder} holds no database copy.`);
  return manifest;
}

/** Writes the backup into `paths`, which must be empty. */
export async function restoreBackup(
  folder: string,
  manifest: TManifest,
  env: Env,
  paths: StackPaths,
  say: (message: string) => void,
): Promise<void> {
  const database = await startEmbeddedDatabase({
    dataDir: paths.database,
    fromDump: path.join(folder, "database.tar.gz"),
  });
  await database.stop();
  say(`database restored into ${paths.database}`);
  if (manifest.files["chain-state.json"]) {
    await mkdir(path.dirname(paths.chainState), { recursive: true });
    await copyFile(path.join(folder, "chain-state.json"), paths.chainState);
    say(`chain state restored (block ${manifest.chain?.blockNumber ?? "?"})`);
  }
  if (manifest.files[`deployment-${LOCAL_DEPLOYMENT}`]) {
    await mkdir(paths.deployments, { recursive: true });
    await copyFile(
      path.join(folder, `deployment-${LOCAL_DEPLOYMENT}`),
      path.join(paths.deployments, LOCAL_DEPLOYMENT),
    );
  }
  const backend = blobBackend(env, paths);
  const names = readdirSync(path.join(folder, "blobs"));
  for (const name of names)
    await backend.put(name, await readFile(path.join(folder, "blobs", name)));
  say(`${names.length} encrypted blob objects restored`);
}
