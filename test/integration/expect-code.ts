import { TRPCError } from "@trpc/server";
import { expect } from "vitest";

/** Awaits a failing call and checks its tRPC code and, optionally, its message. */
export async function expectCode(
  promise: Promise<unknown>,
  code: TRPCError["code"],
  message?: RegExp,
) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
}
