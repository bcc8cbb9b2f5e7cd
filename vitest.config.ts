import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Four tiers (CONVENTIONS 10): unit beside the code, contracts on Hardhat's in-process EDR,
 * integration against a real local node and an embedded database, e2e in Debian Chromium.
 * Integration and e2e files run one at a time: they share one chain and one relayer nonce.
 * Tests wait for conditions, not for time; the timeouts below only end a test that hangs, so
 * they are far above what the work takes on a busy machine (vitest's 5 s default is not).
 * Then integration-pg, then the benchmarks' smoke runs (bench-smoke), each after the last.
 */
// `server-only` throws outside the react-server condition; Next swaps it per bundle layer, the
// tests load server modules directly (tsx scripts pass --conditions=react-server instead).
const alias = {
  "~": path.resolve(import.meta.dirname, "src"),
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};
// Tests never see the developer's own installation (npm run dev's data).
const DATA_DIR = path.join(tmpdir(), "trialshare-tests-have-no-installation");

// An analysis child may start slowly on a busy machine: its time limit is not what these tests
// measure (the runaway test sets its own).
const INTEGRATION_ENV = {
  LOG_LEVEL: "silent",
  RUN_WORKERS: "false",
  DATA_DIR,
  ANALYSIS_TIMEOUT_MS: "60000",
};

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
          testTimeout: 300_000,
          hookTimeout: 300_000,
          env: { PGLITE_DIR: "memory://", LOG_LEVEL: "silent", DATA_DIR },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "contracts",
          include: ["contracts/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 600_000,
          hookTimeout: 600_000,
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
          testTimeout: 900_000,
          hookTimeout: 900_000,
          env: INTEGRATION_ENV,
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
          testTimeout: 900_000,
          hookTimeout: 900_000,
          env: INTEGRATION_ENV,
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
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          env: { DATA_DIR },
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
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          // A poll waits on a server round trip at least; vitest's 1 s default would give up
          // on a busy machine. Same bound as WAIT_MS in test/e2e/browser.ts.
          expect: { poll: { timeout: 300_000 } },
        },
      },
    ],
  },
});
