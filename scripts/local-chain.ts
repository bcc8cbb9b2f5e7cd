import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { JsonRpcProvider } from "ethers";

/**
 * A local Hardhat node as a child process: used by `npm run dev` when CHAIN_RPC_URL is unset,
 * and by the integration and browser tests. Started through Hardhat's own entry point (not
 * npx), so that stopping our child stops the node.
 */
const root = path.resolve(import.meta.dirname, "..");

export type LocalChain = { rpcUrl: string; process: ChildProcess; stop(): Promise<void> };

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
}): Promise<LocalChain> {
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  if (await isAnswering(rpcUrl)) {
    throw new Error(
      `Something already answers on ${rpcUrl}. Stop it, or set CHAIN_RPC_URL to use it as the chain.`,
    );
  }
  const child = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/hardhat/dist/src/cli.js"),
      "--config",
      path.join(root, "contracts/hardhat.config.ts"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(options.port),
    ],
    { cwd: root, stdio: options.quiet ? "ignore" : ["ignore", "ignore", "inherit"] },
  );
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  while (!(await isAnswering(rpcUrl))) {
    if (exited) throw new Error("The local Hardhat node exited during start-up.");
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("The local Hardhat node did not answer within 60 s.");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    rpcUrl,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

export function localProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, { batchMaxCount: 1, cacheTimeout: -1 });
}
