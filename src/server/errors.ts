import "server-only";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/**
 * The one domain error. Services throw it with a code and a message that says what was wrong
 * and what to do; ERROR_TRANSPORT maps the code to its transport codes once.
 */
export const AppErrorCode = {
  BAD_INPUT: "BAD_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_LARGE: "TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
  UNAVAILABLE: "UNAVAILABLE",
} as const;

export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** The input field the refusal is about, when it is one: the form shows it beside that field. */
  readonly field?: string;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.field = options?.field;
  }
}

/**
 * The one table of transports: each code's tRPC code and HTTP status. The tRPC middleware
 * (src/server/api/trpc.ts) and every route handler (src/app/api/route-guard.ts) read it, so a
 * refusal has the same status whichever door it came through; errors.test.ts checks that tRPC
 * answers each of its codes with the status written here.
 */
export const ERROR_TRANSPORT = {
  BAD_INPUT: { trpc: "BAD_REQUEST", http: 400 },
  UNAUTHENTICATED: { trpc: "UNAUTHORIZED", http: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
} as const satisfies Record<AppErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }>;

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
