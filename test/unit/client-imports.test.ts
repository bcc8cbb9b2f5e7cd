import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  isClientEntry,
  reachableFrom,
  root,
  serverDir,
  sourceFiles,
  src,
  valueImports,
  valueSpecifiers,
} from "./import-graph";

/**
 * What the browser loads never reaches the server's code. Two locks: this test follows every
 * value import from each "use client" file and fails on any that lands in src/server/; and every
 * server module imports `server-only`, so Next's build refuses such an import too. Outside Next
 * the marker throws unless the react-server condition is set: vitest aliases it to its empty
 * module, and every tsx entry runs with --conditions=react-server.
 */
const serverModules = sourceFiles(serverDir).filter(
  (file) => !file.endsWith(".test.ts") && !file.includes(`${path.sep}generated${path.sep}`),
);

describe("the client/server line", () => {
  it("no module the browser loads imports src/server (types aside)", () => {
    const entries = sourceFiles(src).filter(isClientEntry);
    expect(entries.length).toBeGreaterThan(20);
    const crossings: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, chain: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of valueImports(file)) {
        const route = [...chain, path.relative(src, imported)];
        if (imported.startsWith(serverDir + path.sep)) crossings.push(route.join(" → "));
        else visit(imported, route);
      }
    };
    for (const entry of entries) visit(entry, [path.relative(src, entry)]);
    expect(crossings).toEqual([]);
  });

  it("every server module is marked server-only", () => {
    expect(serverModules.length).toBeGreaterThan(100);
    const unmarked = serverModules.filter((file) => !valueSpecifiers(file).includes("server-only"));
    expect(unmarked.map((file) => path.relative(root, file))).toEqual([]);
  });

  it("no client module imports server-only itself", () => {
    const marked = sourceFiles(src)
      .filter(isClientEntry)
      .flatMap((entry) => [...reachableFrom([entry])])
      .filter((file) => valueSpecifiers(file).includes("server-only"));
    expect([...new Set(marked)].map((file) => path.relative(root, file))).toEqual([]);
  });

  it("every tsx entry that reaches a server module runs with the react-server condition", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const missing = Object.entries(pkg.scripts)
      .filter(([, command]) => /\btsx\b/.test(command))
      .filter(([, command]) => !command.includes("--conditions=react-server"))
      .map(([name]) => name);
    expect(missing).toEqual([]);
    // Processes the code starts with tsx itself (the embedded database, the fault test's workers).
    const spawners = [
      "src/server/embedded/start-database.ts",
      "test/integration/faults.integration.test.ts",
    ].map((file) => readFileSync(path.join(root, file), "utf8"));
    for (const text of spawners) expect(text).toContain('"--conditions=react-server"');
  });
});
