import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { deployContracts, isDeploymentLive } from "~/server/chain/deploy";
import { startEmbeddedDatabase } from "~/server/embedded/start-database";
import { waitForHealth } from "../app-process";
import { portFromEnv } from "../free-port";
import { localProvider, saveChainState, startLocalChain } from "../local-chain";
import { startMailCatcher } from "../mail-catcher";
import { checkLocalData, DataProblemError, resetData } from "./data-checks";
import { acquireStackLock, StackRunningError, type StackLock } from "./lock";
import { loadStackEnv, stackPaths } from "./paths";
import { supervise, type Started, type Supervised } from "./supervise";

/**
 * `npm run dev` and `npm start`: the whole installation on one machine. The embedded database
 * server and a local Anvil node whose state is kept on disk (unless DATABASE_URL or
 * CHAIN_RPC_URL name others), then Next.js (`next dev` or the built app with `next start`).
 * Each runs in a process group of its own and is started again if it dies; Ctrl-C stops the
 * app first, then the chain (which writes its state), then the database. Starting never
 * deletes data; `--reset` does, and says what.
 */
const root = path.resolve(import.meta.dirname, "../..");
// Anvil's first default account: the local chain's relayer and contract owner.
const LOCAL_CHAIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const USAGE = "usage: npm run dev [-- --reset]   |   npm start [-- --reset]";

function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        child.kill(name);
      }
    };
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    signal("SIGTERM");
  });
}

export async function runStack(mode: "dev" | "start", argv: string[]): Promise<void> {
  const isDev = mode === "dev";
  const command = isDev ? "npm run dev" : "npm start";
  const say = (message: string) => console.log(`[${mode}] ${message}`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { reset: { type: "boolean" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const env = loadStackEnv(isDev);
  const paths = stackPaths(env);
  const port = Number(process.env.PORT ?? 3000);
  const appUrl = `http://localhost:${port}`;
  const isLocalChain = !process.env.CHAIN_RPC_URL;
  const isEmbeddedDatabase = !env.DATABASE_URL;

  let lock: StackLock;
  try {
    lock = await acquireStackLock(paths.lock, command, say);
  } catch (error) {
    if (!(error instanceof StackRunningError)) throw error;
    console.error(`[${mode}] ${error.message}`);
    process.exit(1);
  }
  const running: Supervised[] = [];
  let isStopping = false;
  const stopAll = async (code: number) => {
    if (isStopping) return;
    isStopping = true;
    const hasStarted = running.length > 0;
    if (hasStarted) say("stopping…");
    // The app first (its workers finish and it closes its connections), then the chain (it
    // writes its state file), then the database.
    for (const service of [...running].reverse()) await service.stop().catch(() => undefined);
    lock.release();
    if (hasStarted) say("stopped");
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => void stopAll(0));
  const keep = async (name: string, marker: string, start: () => Promise<Started>) => {
    const service = await supervise({
      name,
      start,
      say,
      onStarted: (started) => lock.recordChild(name, started.process.pid, marker),
      onGiveUp: (reason) => {
        console.error(`[${mode}] ${reason}; stopping everything.`);
        void stopAll(1);
      },
    });
    running.push(service);
    return service;
  };

  try {
    if (parsed.values.reset) resetData(paths, say);
    const { isFresh } =
      isLocalChain && isEmbeddedDatabase ? checkLocalData(paths, command) : { isFresh: false };

    if (isEmbeddedDatabase)
      await keep("database", "db-server", async () => {
        const database = await startEmbeddedDatabase({ dataDir: paths.database, detached: true });
        return { process: database.process!, stop: () => database.stop() };
      });

    let rpcUrl = process.env.CHAIN_RPC_URL ?? "";
    if (isLocalChain) {
      const chainPort = Number(process.env.CHAIN_PORT ?? 8545);
      await keep("chain", "anvil", () =>
        startLocalChain({
          port: chainPort,
          quiet: true,
          stateFile: paths.chainState,
          stateIntervalSeconds: env.CHAIN_STATE_INTERVAL_S,
          detached: true,
        }),
      );
      rpcUrl = `http://127.0.0.1:${chainPort}`;
      lock.setUrls({ rpcUrl });
      const provider = localProvider(rpcUrl);
      try {
        if (!(await isDeploymentLive(provider, paths.deployments))) {
          if (!isFresh)
            throw new DataProblemError(
              `The contracts recorded in ${paths.deployments} are not on the local chain: its state file is older than they are. Nothing was changed; restore a backup, or start from scratch with ${command} -- --reset.`,
            );
          const relayer = new Wallet(process.env.RELAYER_PRIVATE_KEY ?? LOCAL_CHAIN_KEY, provider);
          const deployment = await deployContracts(relayer, paths.deployments);
          // On disk at once: a chain that lost its contracts would make the database useless.
          await saveChainState(rpcUrl, paths.chainState);
          say(`contracts deployed on the local chain (${deployment.chainId})`);
        }
      } finally {
        provider.destroy();
      }
    }

    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: paths.dataDir,
      PGLITE_DIR: paths.database,
      BLOB_DIR: paths.blobs,
      CHAIN_RPC_URL: rpcUrl,
      NEXT_TELEMETRY_DISABLED: "1",
    };
    if (isDev) appEnv.SEED_DEMO ??= "true";
    if (isDev && !process.env.SMTP_URL) {
      // A local mail catcher in this process: the app's emails land in DATA_DIR/mail, shown at /dev/mail.
      const catcher = await startMailCatcher({
        port: await portFromEnv("MAIL_PORT"),
        folder: path.join(paths.dataDir, "mail"),
      });
      appEnv.SMTP_URL = catcher.url;
      say(`emails go to a local mail catcher (${catcher.url}): read them at ${appUrl}/dev/mail`);
    }
    if (isLocalChain && !isDev) {
      // The local chain is this machine's own: its first account relays, and nothing reorgs.
      appEnv.RELAYER_PRIVATE_KEY ??= LOCAL_CHAIN_KEY;
      appEnv.CHAIN_CONFIRMATIONS ??= "0";
    }
    const next = path.join(root, "node_modules/next/dist/bin/next");
    await keep("app", "next", async () => {
      const child = spawn(
        process.execPath,
        [next, isDev ? "dev" : "start", "--port", String(port)],
        {
          cwd: root,
          env: appEnv,
          stdio: "inherit",
          detached: true,
        },
      );
      // The first page of `next dev` compiles on demand: minutes on a busy machine.
      await waitForHealth(`${appUrl}/api/health`, child, 15 * 60_000).catch(async (error) => {
        await stopGroup(child, 10_000);
        throw error;
      });
      return { process: child, stop: () => stopGroup(child, 30_000) };
    });
    lock.setUrls({ appUrl });
    say(`ready: ${appUrl}`);
    say(`data: ${paths.dataDir} (DATA_DIR); kept across restarts.`);
    say(`start from scratch: ${command} -- --reset; copy it: npm run backup -- FOLDER`);
  } catch (error) {
    console.error(`[${mode}] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}
