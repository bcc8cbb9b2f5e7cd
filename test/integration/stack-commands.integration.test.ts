import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port";
import { acquireStackLock } from "../../scripts/stack/lock";

/**
 * The commands that start, copy and restore an installation, given what a user may have on
 * disk: another copy running, a chain state file cut short by a crash or lost, a backup
 * folder that exists. Each must say what is wrong and leave every byte of data as it was.
 */
const root = path.resolve(import.meta.dirname, "../..");
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "stack-commands-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

async function npm(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", ...args], { cwd: root, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** An installation's folder with data in every part, and a fingerprint of all of it. */
async function installation(name: string, chainState: string | null) {
  const dataDir = path.join(work, name);
  const files: Record<string, string> = {
    "pglite/PG_VERSION": "18\n",
    "pglite/base/1/1259": "pages",
    "blobs/0a1b2c3d-0000-4000-8000-000000000000.bin": "ciphertext",
    "deployments/31337.json": JSON.stringify({ chainId: 31337 }),
  };
  if (chainState !== null) files["chain/state.json"] = chainState;
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dataDir, file)), { recursive: true });
    await writeFile(path.join(dataDir, file), content);
  }
  return { dataDir, fingerprint: () => fingerprint(dataDir) };
}

function fingerprint(folder: string): string {
  const hash = createHash("sha256");
  const walk = (entry: string) => {
    if (statSync(entry).isDirectory()) {
      for (const child of readdirSync(entry).sort()) walk(path.join(entry, child));
    } else if (!entry.endsWith("stack.lock.json")) {
      hash.update(path.relative(folder, entry)).update(readFileSync(entry));
    }
  };
  if (existsSync(folder)) walk(folder);
  return hash.digest("hex");
}

/** The environment of a user who runs the command on `dataDir`'s installation. */
async function envFor(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    CHAIN_PORT: String(await freePort()),
  };
  for (const name of ["PGLITE_DIR", "BLOB_DIR", "DATABASE_URL", "CHAIN_RPC_URL", "DEPLOYMENTS_DIR"])
    delete env[name];
  return env;
}

describe("npm run dev and npm start", () => {
  it("refuses to start while another start runs on the same data, and changes nothing", async () => {
    const data = await installation("running", JSON.stringify({ best_block_number: "0x5" }));
    const lock = await acquireStackLock(
      path.join(data.dataDir, "stack.lock.json"),
      "npm run dev",
      () => {},
    );
    try {
      const before = data.fingerprint();
      for (const args of [["dev"], ["dev", "--", "--reset"], ["start"]]) {
        const run = await npm(args, await envFor(data.dataDir));
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/already running on this data \(npm run dev, pid \d+/);
        expect(run.stderr).toMatch(/nothing was changed/);
      }
      expect(data.fingerprint()).toBe(before);
    } finally {
      lock.release();
    }
  });

  it("stops at a chain state file that cannot be read, names the ways out, deletes nothing", async () => {
    // What a SIGKILL in the middle of the node's periodic write leaves.
    const data = await installation("corrupt", '{"block":{"number":"0x1"},"accounts":{"0xf39f');
    const before = data.fingerprint();
    const run = await npm(["dev"], await envFor(data.dataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/state file .*chain[/\\]state\.json cannot be read/);
    expect(run.stderr).toMatch(/database .* holds data that refers to that chain/);
    expect(run.stderr).toMatch(/npm run restore -- BACKUP_DIR/);
    expect(run.stderr).toMatch(/npm run dev -- --reset/);
    expect(data.fingerprint()).toBe(before);
    expect(existsSync(path.join(data.dataDir, "stack.lock.json"))).toBe(false);
  });

  it("stops when the chain state is missing but the database has data", async () => {
    const data = await installation("missing", null);
    const before = data.fingerprint();
    const run = await npm(["start"], await envFor(data.dataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/state file .* is missing, but the database .* holds data/);
    expect(run.stderr).toMatch(/npm start -- --reset/);
    expect(data.fingerprint()).toBe(before);
  });
});

describe("npm run backup and npm run restore", () => {
  it("refuses to write a backup into a folder that holds something, unless told --force", async () => {
    const data = await installation("to-back-up", JSON.stringify({ best_block_number: "0x5" }));
    const target = path.join(work, "existing-backup");
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, "notes.txt"), "mine");
    const run = await npm(["backup", "--", target], await envFor(data.dataDir));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exists and is not empty; choose a new folder, or add --force/);
    expect(readFileSync(path.join(target, "notes.txt"), "utf8")).toBe("mine");
    expect(readdirSync(target)).toEqual(["notes.txt"]);
  });

  it("refuses a folder that is not a backup, and a damaged one", async () => {
    const data = await installation("restore-target", JSON.stringify({ best_block_number: "0x5" }));
    const before = data.fingerprint();
    const notBackup = path.join(work, "not-a-backup");
    await mkdir(notBackup, { recursive: true });
    const run = await npm(["restore", "--", notBackup], await envFor(data.dataDir));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not a TrialShare backup/);
    const damaged = path.join(work, "damaged-backup");
    await mkdir(damaged, { recursive: true });
    await writeFile(path.join(damaged, "database.tar.gz"), "not what was copied");
    await writeFile(
      path.join(damaged, "manifest.json"),
      JSON.stringify({
        format: 1,
        createdAt: "2026-01-01T00:00:00Z",
        source: "/x",
        files: { "database.tar.gz": { sha256: "00".repeat(32), bytes: 3 } },
        chain: null,
        blobs: 0,
      }),
    );
    const damagedRun = await npm(["restore", "--", damaged], await envFor(data.dataDir));
    expect(damagedRun.code).toBe(2);
    expect(damagedRun.stderr).toMatch(/database\.tar\.gz is missing or damaged/);
    expect(data.fingerprint()).toBe(before);
  });
});
