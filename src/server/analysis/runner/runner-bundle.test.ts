import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analysisRunnerOutfile,
  buildAnalysisRunner,
} from "../../../../scripts/build-analysis-runner.mjs";

/**
 * Node 24 has no network permission: the analysis child stays off the network because its
 * bundle imports no module that reaches it (docs/compute-to-data.md §2). This parses the
 * bundle as built from today's sources and fails on any such import, static, dynamic or
 * `require`.
 */
const FORBIDDEN = [
  "fs",
  "fs/promises",
  "net",
  "http",
  "https",
  "http2",
  "tls",
  "child_process",
  "worker_threads",
  "cluster",
  "dgram",
  "dns",
  "dns/promises",
  "inspector",
  "vm",
];

async function importsOf(bundle: string): Promise<string[]> {
  const result = await build({
    entryPoints: [bundle],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "silent",
    // Parse only: every import stays external and is listed in the metafile.
    plugins: [
      {
        name: "list-only",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            args.kind === "entry-point" ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
}

const forbiddenIn = (imports: string[]) =>
  imports.filter((name) => FORBIDDEN.includes(name.replace(/^node:/, "")));

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "runner-bundle-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("the analysis runner bundle", () => {
  it("imports no file, network, process or worker module", async () => {
    const bundle = path.join(folder, "runner.mjs");
    await buildAnalysisRunner({ outfile: bundle });
    const imports = await importsOf(bundle);
    expect(imports).toContain("node:module"); // the lock-down's hooks: the parse sees imports
    expect(forbiddenIn(imports)).toEqual([]);
  });

  it("neither does the bundle `npm run codegen` generated, the one the app runs", async () => {
    expect(existsSync(analysisRunnerOutfile)).toBe(true);
    const imports = await importsOf(analysisRunnerOutfile);
    expect(imports).toContain("node:module");
    expect(forbiddenIn(imports)).toEqual([]);
  });

  it("the check catches such imports: the probes build (tests only) has fs, child_process and a dynamic net", async () => {
    const bundle = path.join(folder, "probes.mjs");
    await buildAnalysisRunner({ outfile: bundle, probes: true });
    expect(forbiddenIn(await importsOf(bundle)).sort()).toEqual([
      "node:child_process",
      "node:fs",
      "node:net",
    ]);
  });
});
