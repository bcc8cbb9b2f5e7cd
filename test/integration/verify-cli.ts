import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run --silent verify -- ARGS` as a user would; never throws, returns the exit code. */
export async function runVerify(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)("npm", ["run", "--silent", "verify", "--", ...args], {
    cwd: root,
    env,
  }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: unknown) => error as { code: number; stdout: string; stderr: string },
  );
}

/** The JSON summary a verify command prints last. */
export const verifySummary = (stdout: string) =>
  JSON.parse(stdout.trim().split("\n").at(-1)!) as unknown;
