import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * What the browser loads never reaches the server's code: starting from every "use client"
 * file, follow each value import (type imports are erased) and fail on any that lands in
 * src/server/. Constants and schemas both sides need live in src/shared/.
 */
const src = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  const base = specifier.startsWith("~/")
    ? path.join(src, specifier.slice(2))
    : specifier.startsWith(".")
      ? path.resolve(path.dirname(from), specifier)
      : null;
  if (!base) return null; // a package
  const candidates = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"].map((end) => base + end);
  return candidates.find((file) => existsSync(file) && statSync(file).isFile()) ?? null;
}

/** The files a module imports for their values (not `import type`, not type-only names). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const isTypeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined &&
          !clause.name &&
          bindings !== undefined &&
          ts.isNamedImports(bindings) &&
          bindings.elements.length > 0 &&
          bindings.elements.every((element) => element.isTypeOnly));
      if (!isTypeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isExportDeclaration(statement) &&
      !statement.isTypeOnly &&
      statement.moduleSpecifier
    ) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers.flatMap((specifier) => resolveImport(file, specifier) ?? []);
}

function isClientEntry(file: string): boolean {
  return /^\s*["']use client["']/.test(readFileSync(file, "utf8"));
}

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
        if (imported.startsWith(path.join(src, "server") + path.sep))
          crossings.push(route.join(" → "));
        else visit(imported, route);
      }
    };
    for (const entry of entries) visit(entry, [path.relative(src, entry)]);
    expect(crossings).toEqual([]);
  });
});
