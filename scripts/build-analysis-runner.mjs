// Bundles the analysis child (docs/compute-to-data.md §2) into one file that the child process
// is allowed to read and nothing else: src/server/analysis/runner/runner-main.ts and its pure
// imports. `probes: true` is for the isolation tests only (src/server/analysis/runner/probes.ts).
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

export const analysisRunnerEntry = "src/server/analysis/runner/runner-main.ts";
export const analysisRunnerOutfile = path.join(root, "src/server/generated/analysis-runner.mjs");

// Not only dead code: without this, the production bundle would still import fs and
// child_process for the probes' sake.
const withoutProbes = {
  name: "without-probes",
  setup(build) {
    build.onResolve({ filter: /^\.\/probes$/ }, () => ({ path: "probes", namespace: "no-probes" }));
    build.onLoad({ filter: /.*/, namespace: "no-probes" }, () => ({
      contents: "export async function runProbe() { return 'probes are not built in'; }",
      loader: "js",
    }));
  },
};

export async function buildAnalysisRunner({
  outfile = analysisRunnerOutfile,
  probes = false,
} = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: [analysisRunnerEntry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    define: { PROBES: String(probes) },
    // `server-only` guards the client bundle; the child is a server process of its own.
    alias: { "server-only": path.join(root, "node_modules/server-only/empty.js") },
    tsconfig: path.join(root, "tsconfig.json"),
    legalComments: "none",
    logLevel: "warning",
    plugins: probes ? [] : [withoutProbes],
  });
}
