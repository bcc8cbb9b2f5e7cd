import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { waitForHealth } from "../../scripts/app-process";
import { freePort } from "../../scripts/free-port";
import { browserForFile, WAIT_MS } from "./browser";

/**
 * `npm run dev` as a developer runs it, and a page left open for 30 s while the app works (its
 * workers write the database every tick, the chain rewrites its state file every second): the
 * page must not reload, a half-typed form keeps its text, and signing in then works. Data
 * inside the project made `next dev` reload about once a second.
 */
const skipReason = inject("e2eSkipReason");
const root = path.resolve(import.meta.dirname, "../..");
const browser = browserForFile(Boolean(skipReason));
let work: string;
let dev: ChildProcess | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "dev-server-"));
});

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once("exit", resolve));
    process.kill(-dev.pid!, "SIGINT");
    await exited;
  }
  await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
});

describe.skipIf(Boolean(skipReason))("npm run dev", { timeout: 60 * 60_000 }, () => {
  it("keeps a page open for 30 s without a reload; the form keeps its text; sign-in works", async () => {
    const port = await freePort();
    const appUrl = `http://localhost:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: process.env.DEV_TEST_DATA_DIR ?? path.join(work, "data"),
      PORT: String(port),
      CHAIN_PORT: String(await freePort()),
      APP_URL: appUrl,
      NEXTAUTH_URL: appUrl,
      NODE_ENV: "development",
    };
    for (const name of ["PGLITE_DIR", "BLOB_DIR", "DATABASE_URL", "CHAIN_RPC_URL"])
      delete env[name];
    const logFile = path.join(work, "dev.log");
    const log = createWriteStream(logFile);
    dev = spawn("npm", ["run", "--silent", "dev"], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    dev.stdout!.pipe(log);
    dev.stderr!.pipe(log);
    // next dev compiles each route on first use: minutes on a busy machine.
    await waitForHealth(`${appUrl}/api/health`, dev, 20 * 60_000);

    const page = await (await browser().newContext()).newPage();
    let loads = 0;
    page.on("load", () => (loads += 1));
    // next dev compiles the page on its first request.
    await page.goto(`${appUrl}/sign-in`, { timeout: 20 * 60_000 });
    const email = page.getByLabel("Email");
    await email.waitFor();
    const account = DEMO_ACCOUNTS.find((candidate) => candidate.role === "PARTICIPANT")!;
    await email.fill(account.email);
    await page.evaluate(() => {
      (window as unknown as { stillHere: string }).stillHere = "yes";
    });
    const loadsBefore = loads;
    const serverLogBefore = (await readFile(logFile, "utf8")).length;

    // The requirement itself is a duration: a person reading the page for 30 s.
    await page.waitForTimeout(30_000);

    expect(loads - loadsBefore).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: string }).stillHere)).toBe(
      "yes",
    );
    expect(await email.inputValue()).toBe(account.email);
    const serverLog = (await readFile(logFile, "utf8")).slice(serverLogBefore);
    expect(serverLog).not.toMatch(/restart|reload/i);

    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS * 4 })
      .toContain("participant");
  });
});
