import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/free-port";
import { stopApp } from "../../scripts/app-process";

/**
 * The production build started with the configuration an operator might get wrong: it must
 * refuse to start with a clear message rather than guess, and once configured for HTTPS, its
 * cookies and redirects must follow the public URL.
 */
const skipReason = inject("e2eSkipReason");
const root = path.resolve(import.meta.dirname, "../..");
const started: ChildProcess[] = [];
const folders: string[] = [];

afterAll(async () => {
  for (const server of started) await stopApp(server);
  // The embedded database server stops on its own once the app has ended, and may still write
  // its files for a moment (ENOTEMPTY in a loaded CI run): rm retries those errors.
  for (const folder of folders)
    await rm(folder, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
});

async function startApp(overrides: Record<string, string>) {
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-config-"));
  folders.push(work);
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    CHAIN_RPC_URL: inject("chainRpcUrl"),
    PGLITE_DIR: path.join(work, "pglite"),
    BLOB_DIR: path.join(work, "blobs"),
    DEPLOYMENTS_DIR: path.join(work, "deployments"),
    NEXTAUTH_SECRET: "config-test-secret-of-at-least-thirty-two-chars",
    MASTER_KEY: "44".repeat(32),
    RELAYER_PRIVATE_KEY: "55".repeat(32),
    RUN_WORKERS: "false",
    APP_URL: undefined,
    NEXTAUTH_URL: undefined,
    ...overrides,
  } as NodeJS.ProcessEnv;
  const server: ChildProcess = spawn(
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  started.push(server);
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
  return { server, port, exited, output: () => output };
}

/** Waits for the app to answer, or to exit: whichever comes first. */
async function firstAnswer(app: Awaited<ReturnType<typeof startApp>>) {
  for (;;) {
    if (app.server.exitCode !== null) return null;
    try {
      return await fetch(`http://127.0.0.1:${app.port}/api/auth/csrf`);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe.skipIf(Boolean(skipReason))("production configuration", () => {
  it("refuses to start without a public URL, or with a plain-HTTP one, and says which", async () => {
    for (const [overrides, reason] of [
      [{}, /APP_URL: must be set in production/],
      [{ APP_URL: "http://trialshare.example.org" }, /APP_URL: must be https in production/],
      [
        { APP_URL: "https://trialshare.example.org", NEXTAUTH_URL: "https://other.example.org" },
        /NEXTAUTH_URL names https:\/\/other.example.org/,
      ],
    ] as const) {
      const app = await startApp(overrides);
      expect(await firstAnswer(app)).toBeNull();
      expect(await app.exited).not.toBe(0);
      expect(app.output()).toMatch(reason);
    }
  });

  it("with only APP_URL set to HTTPS, uses Secure prefixed cookies and redirects there", async () => {
    const app = await startApp({ APP_URL: "https://trialshare.example.org" });
    const csrf = await firstAnswer(app);
    expect(csrf?.status).toBe(200);
    const [cookie = ""] = csrf!.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    expect(cookie).toMatch(/; Secure/i);
    const { csrfToken } = (await csrf!.json()) as { csrfToken: string };
    const callback = await fetch(`http://127.0.0.1:${app.port}/api/auth/callback/password`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookie.split(";")[0]!,
      },
      body: new URLSearchParams({
        csrfToken,
        email: "nobody@test.local",
        password: "not a password",
        json: "true",
      }),
    });
    const { url } = (await callback.json()) as { url: string };
    expect(url.startsWith("https://trialshare.example.org/")).toBe(true);
    const home = await fetch(`http://127.0.0.1:${app.port}/api/health`);
    expect(home.headers.get("strict-transport-security")).toMatch(/max-age=63072000/);
  });
});
