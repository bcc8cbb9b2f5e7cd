import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);
const solc = require("solc/package.json") as { version: string };
// Hardhat resolves relative paths against the folder of the nearest package.json (the repo
// root), so they are made absolute from this file's folder.
const here = path.dirname(fileURLToPath(import.meta.url));

function compiler(runs: number) {
  return {
    version: solc.version,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs }, evmVersion: "cancun" as const, viaIR: true },
  };
}

export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    // solc-js from npm: Hardhat's default is to download a native compiler, which fails offline.
    // viaIR: requestAccess and settle hold more locals than the legacy pipeline's stack allows.
    compilers: [compiler(200)],
    // The marketplace is close to the EIP-170 code size limit (24,576 bytes): fewer runs trade a
    // little gas for size (measured by `npm run --silent bench:gas`, checked by a test).
    overrides: { "contracts/src/DataMarketplace.sol": compiler(50) },
  },
  paths: {
    sources: path.join(here, "src"),
    tests: path.join(here, "test"),
    artifacts: path.join(here, "artifacts"),
    cache: path.join(here, "cache"),
  },
});
