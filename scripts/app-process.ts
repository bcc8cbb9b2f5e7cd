import type { ChildProcess } from "node:child_process";

/** Waits until the app's /api/health answers 200, failing early if its process exits. */
export async function waitForHealth(
  url: string,
  server: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the app exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} was not healthy within ${timeoutMs / 1000} s`);
}

/** Stops the app with SIGTERM (it closes its database cleanly) and waits until it has exited. */
export async function stopApp(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}
