import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Four tiers (CONVENTIONS 10): unit beside the code, contracts on Hardhat's in-process EDR,
 * integration against a real local node and an embedded database, e2e in Debian Chromium.
 * Integration and e2e files run one at a time: they share one chain and one relayer nonce.
 * Then integration-pg, then the benchmarks' smoke runs (bench-smoke), each after the last.
 */
const alias = { "~": path.resolve(import.meta.dirname, "src") };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
          environment: "node",
          env: { PGLITE_DIR: "memory://", LOG_LEVEL: "silent" },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "contracts",
          include: ["contracts/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.integration.test.ts"],
          environment: "node",
          globalSetup: ["test/integration/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { PGLITE_DIR: "memory://", LOG_LEVEL: "silent", RUN_WORKERS: "false" },
        },
      },
      {
        resolve: { alias },
        test: {
          // The same files again on a real PostgreSQL server, after everything else.
          name: "integration-pg",
          include: ["test/integration/**/*.integration.test.ts"],
          environment: "node",
          globalSetup: ["test/integration/postgres-setup.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { LOG_LEVEL: "silent", RUN_WORKERS: "false" },
        },
      },
      {
        resolve: { alias },
        test: {
          // Every bench:* script in smoke mode, last: they start servers and nodes of their own
          // and use the production build the browser tests made.
          name: "bench-smoke",
          include: ["test/bench/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 600_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
