// Generates what the sources imply and git does not keep: contract artifacts (Hardhat on
// solc-js), typed contract bindings (TypeChain), the Prisma client and the analysis runner's
// bundle. Each step is skipped when its output is newer than its inputs, so running it before
// every command is cheap.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { analysisRunnerOutfile, buildAnalysisRunner } from "./build-analysis-runner.mjs";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce(
    (max, entry) => Math.max(max, newestMtime(path.join(target, entry))),
    stat.mtimeMs,
  );
}

function isStale(inputs, output) {
  const outputTime = existsSync(output) ? statSync(output).mtimeMs : 0;
  return inputs.some((input) => newestMtime(path.join(root, input)) > outputTime);
}

function run(command, args, env = {}) {
  execFileSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
}

const contractsStamp = path.join(root, "src/server/generated/contracts/index.ts");
if (
  isStale(["contracts/src", "contracts/hardhat.config.ts", "package-lock.json"], contractsStamp)
) {
  run(bin("hardhat"), ["--config", "contracts/hardhat.config.ts", "build", "--quiet"]);
  run(bin("typechain"), [
    "--target",
    "ethers-v6",
    "--out-dir",
    "src/server/generated/contracts",
    "contracts/artifacts/contracts/**/!(I[A-Z]*).json",
  ]);
}

const prismaStamp = path.join(root, "src/server/generated/prisma/client.ts");
if (isStale(["prisma/schema.prisma", "package-lock.json"], prismaStamp)) {
  // `generate` never runs the schema engine, but Prisma 7 looks for one and would try to
  // download it; pointing at any existing file satisfies the check.
  run(bin("prisma"), ["generate"], {
    PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "package.json"),
  });
}

// The analysis child runs one bundled file under --permission (docs/compute-to-data.md §2).
if (
  isStale(
    [
      "src/server/analysis",
      "src/shared/analysis-spec.ts",
      "scripts/build-analysis-runner.mjs",
      "package-lock.json",
    ],
    analysisRunnerOutfile,
  )
) {
  await buildAnalysisRunner();
}
