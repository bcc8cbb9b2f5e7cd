/**
 * The one domain error. Services throw it with a code and a message that says what was wrong
 * and what to do; the tRPC error formatter maps the code to a transport code once.
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

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
}

/**
 * The HTTP status of each code: route handlers answer with it directly, and the tRPC error
 * formatter's transport codes (src/server/api/trpc.ts) come out as the same statuses.
 */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
