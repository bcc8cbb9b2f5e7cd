import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import config from "../hardhat.config";

/**
 * The Hardhat runtime for tests run from the repository root: Hardhat looks for its config
 * only upward from the working directory, so it is handed ours explicitly.
 */
const configPath = fileURLToPath(new URL("../hardhat.config.ts", import.meta.url));
let hrePromise: Promise<HardhatRuntimeEnvironment> | undefined;

export function getHre(): Promise<HardhatRuntimeEnvironment> {
  hrePromise ??= createHardhatRuntimeEnvironment(
    config,
    { config: configPath },
    path.dirname(configPath),
  );
  return hrePromise;
}

/** A fresh in-process EDR chain per call. */
export async function connect() {
  return (await getHre()).network.connect();
}
