import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { JsonRpcProvider } from "ethers";

/**
 * A local Anvil node (npm `@foundry-rs/anvil`) as a child process: used by `npm run dev` and
 * `npm start` when CHAIN_RPC_URL is unset, and by the tests and benchmarks. With `stateFile`
 * the chain persists: Anvil loads the file at start, rewrites it every `stateIntervalSeconds`
 * and on SIGTERM. A SIGKILL loses what came after the last write; the outbox re-sends its
 * saved transactions and the indexer rolls back what the chain no longer has.
 */
const require = createRequire(import.meta.url);

export type LocalChain = {
  rpcUrl: string;
  process: ChildProcess;
  /** SIGTERM (Anvil writes its state file), SIGKILL after 10 s. */
  stop(): Promise<void>;
};

const PLATFORM_PACKAGES: Record<string, string> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
  "win32-x64": "@foundry-rs/anvil-win32-amd64",
};

/** The Anvil binary of this platform, made executable if the package manager lost the bit. */
export function anvilBinary(): string {
  const name = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!name) throw new Error(`Anvil has no build for ${process.platform}-${process.arch}.`);
  let packageJson: string;
  try {
    packageJson = require.resolve(`${name}/package.json`);
  } catch {
    throw new Error(`${name} is not installed: run "npm ci" (it is an optional dependency).`);
  }
  const binary = path.join(
    path.dirname(packageJson),
    "bin",
    process.platform === "win32" ? "anvil.exe" : "anvil",
  );
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // Some installs unpack the tarball without the exec bit (the package's postinstall sets it).
    chmodSync(binary, 0o755);
  }
  return binary;
}

async function isAnswering(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startLocalChain(options: {
  port: number;
  quiet?: boolean;
  /** Keep the chain in this file (loaded at start, written periodically and on stop). */
  stateFile?: string;
  stateIntervalSeconds?: number;
  startTimeoutMs?: number;
  /** In a process group of its own: a Ctrl-C in the terminal reaches only our process. */
  detached?: boolean;
}): Promise<LocalChain> {
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  if (await isAnswering(rpcUrl)) {
    throw new Error(
      `Something already answers on ${rpcUrl}. Stop it, or set CHAIN_RPC_URL to use it as the chain.`,
    );
  }
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--chain-id",
    "31337",
    // The contracts are compiled for cancun (contracts/hardhat.config.ts).
    "--hardfork",
    "cancun",
  ];
  if (options.quiet) args.push("--silent");
  // Anvil does not create the folder; without it the state is silently never written.
  if (options.stateFile) mkdirSync(path.dirname(options.stateFile), { recursive: true });
  if (options.stateFile)
    args.push(
      "--state",
      options.stateFile,
      "--state-interval",
      String(options.stateIntervalSeconds ?? 1),
    );
  const child = spawn(anvilBinary(), args, {
    stdio: ["ignore", options.quiet ? "ignore" : "inherit", "pipe"],
    detached: options.detached,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
    if (!options.quiet) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await isAnswering(rpcUrl))) {
    if (hasExited)
      throw new Error(
        `The local Anvil node exited during start-up: ${stderr.trim() || "no output"}`,
      );
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The local Anvil node did not answer within ${timeoutMs / 1000} s.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    rpcUrl,
    process: child,
    stop: async () => {
      if (hasExited) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Writes the running node's state to `file` now (atomically), e.g. right after the contracts
 * are deployed: Anvil's own periodic write may come too late for a crash soon after.
 */
export async function saveChainState(rpcUrl: string, file: string): Promise<void> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_dumpState", params: [] }),
  });
  const { result } = (await response.json()) as { result?: string };
  if (!result) throw new Error("The local node did not return its state.");
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, gunzipSync(Buffer.from(result.slice(2), "hex")));
  renameSync(temporary, file);
}

export function localProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, cacheTimeout: -1 });
}
