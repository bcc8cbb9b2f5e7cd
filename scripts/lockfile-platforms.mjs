// The npm registry reachable from our machines serves the linux-x64 builds of native
// packages only. npm then leaves the other platforms' optional packages out of
// package-lock.json, and `npm ci` refuses the lockfile as out of sync. This adds the entries
// npm would have written for them (name, version, os/cpu), which npm skips on this platform.
// Run after changing dependencies: `npm run lockfile:platforms`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);

function platformOf(name) {
  const os = [
    "android",
    "darwin",
    "freebsd",
    "win32",
    "linux",
    "openharmony",
    "netbsd",
    "openbsd",
    "sunos",
    "aix",
  ].find((candidate) => name.includes(`-${candidate}-`) || name.endsWith(`-${candidate}`));
  const cpu = [
    "arm64",
    "x64",
    "ia32",
    "arm",
    "loong64",
    "ppc64",
    "riscv64",
    "s390x",
    "wasm32",
    "mips64el",
  ].find((candidate) => name.includes(`-${candidate}`));
  const libc = /-(gnu|gnueabihf|musl|musleabihf)(-|$)/.exec(name)?.[1];
  return {
    ...(os ? { os: [os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(libc ? { libc: [libc.startsWith("musl") ? "musl" : "glibc"] } : {}),
  };
}

function missingPackages() {
  try {
    execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"], {
      stdio: "pipe",
    });
    return [];
  } catch (error) {
    const output = `${error.stdout}${error.stderr}`;
    return [...output.matchAll(/Missing: (.+?)@\S* from lock file/g)].map((match) => match[1]);
  }
}

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const missing = missingPackages();
for (const name of missing) {
  const parent = Object.values(lock.packages).find((entry) => entry.optionalDependencies?.[name]);
  if (!parent) throw new Error(`No package lists ${name} as an optional dependency`);
  lock.packages[`node_modules/${name}`] = {
    version: parent.optionalDependencies[name],
    ...(parent.dev ? { dev: true } : {}),
    optional: true,
    ...platformOf(name),
  };
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  missing.length === 0
    ? "package-lock.json is complete"
    : `added ${missing.length} platform entries`,
);
