import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { AppErrorCode, ERROR_TRANSPORT } from "./errors";

describe("the one error table", () => {
  it.each(Object.values(AppErrorCode))(
    "%s has the same HTTP status through tRPC as through a route handler",
    (code) => {
      const { trpc, http } = ERROR_TRANSPORT[code];
      expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpc }))).toBe(http);
    },
  );
});
