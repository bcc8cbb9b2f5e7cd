import { execFileSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { provideTestChain, startTestChain } from "./global-setup";
import { portFromEnv } from "../../scripts/free-port";

/**
 * The integration suite's second pass, on a real PostgreSQL server: TEST_DATABASE_URL's, or
 * one started here from the Debian binaries in a temporary folder (each test file then gets a
 * database of its own). As root, the server runs as the `postgres` user, as it requires.
 */
export function postgresBin(): string {
  const versions = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions
    .map((version) => `/usr/lib/postgresql/${version}/bin`)
    .find((dir) => existsSync(path.join(dir, "initdb")));
  if (!found)
    throw new Error(
      "The PostgreSQL pass needs PostgreSQL's server binaries: apt-get install postgresql (or set TEST_DATABASE_URL).",
    );
  return found;
}

export async function startPostgres(port: number) {
  const bin = postgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), "trialshare-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = path.join(bin, tool);
    execFileSync(
      asRoot ? "runuser" : command,
      asRoot ? ["-u", "postgres", "--", command, ...args] : args,
      { stdio: "pipe" },
    );
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  // Durability is not what this server is for: it only holds test data.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "start"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const postgres = external
    ? { url: external, stop: async () => {} }
    : await startPostgres(await portFromEnv("TEST_POSTGRES_PORT"));
  try {
    const chain = await startTestChain(await portFromEnv("TEST_PG_CHAIN_PORT"));
    provideTestChain(project, chain, postgres.url);
    return async () => {
      await chain.stop();
      await postgres.stop();
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
