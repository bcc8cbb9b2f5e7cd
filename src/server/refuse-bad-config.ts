import "server-only";
import { parseEnv } from "~/env";

/**
 * A misconfigured server stops at start with the reason, instead of answering every request
 * with a 500 (or, worse, guessing a public URL or a secret).
 */
export function exitOnBadConfig(): void {
  try {
    parseEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
