import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** How the source files import each other, read with TypeScript's parser (no type checking). */
export const root = path.resolve(import.meta.dirname, "../..");
export const src = path.join(root, "src");
export const serverDir = path.join(src, "server");

export function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.(tsx?|mts)$/.test(name) ? [file] : [];
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
  return (
    candidates.find((file) => existsSync(file) && statSync(file).isFile()) ??
    // `./x.js` written for a `./x.ts` file (NodeNext style)
    [base.replace(/\.js$/, ".ts")].find((file) => file !== base && existsSync(file)) ??
    null
  );
}

function isTypeOnly(clause: ts.ImportClause | undefined): boolean {
  const bindings = clause?.namedBindings;
  return (
    clause?.isTypeOnly === true ||
    (clause !== undefined &&
      !clause.name &&
      bindings !== undefined &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every((element) => element.isTypeOnly))
  );
}

/** The specifiers a module imports for their values: static, re-exported and `import()`ed. */
export function valueSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      if (!isTypeOnly(node.importClause))
        specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** The project files a module imports for their values. */
export function valueImports(file: string): string[] {
  return valueSpecifiers(file).flatMap((specifier) => resolveImport(file, specifier) ?? []);
}

/** Every project file the entries load, the entries included. */
export function reachableFrom(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...valueImports(file));
  }
  return seen;
}

export function isClientEntry(file: string): boolean {
  return /^\s*["']use client["']/.test(readFileSync(file, "utf8"));
}
