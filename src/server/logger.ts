import "server-only";
import { getEnv } from "~/env";

/**
 * Structured one-line JSON logs. Callers pass ids, counts and hashes, never personal data;
 * `redact` is the safety net for fields whose names say they may hold some.
 */
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

const SENSITIVE_KEY =
  /password|secret|privatekey|keycipher|token|signature|cookie|authorization|^(e?mail|name|displayname|phone|ssn|dob|birthdate)$/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      SENSITIVE_KEY.test(key) ? "[redacted]" : value,
    ]),
  );
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (order[level] < order[getEnv().LOG_LEVEL]) return;
  const line = JSON.stringify(
    { time: new Date().toISOString(), level, message, ...redact(fields) },
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
  );
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

/** The message of an unknown thrown value, for logs and outbox rows. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 500);
  return String(error).slice(0, 500);
}
