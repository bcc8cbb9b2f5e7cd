import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Role } from "~/server/generated/prisma/enums";
import type { AppSession } from "~/server/session";
import { AppError, ERROR_TRANSPORT, isAppError } from "~/server/errors";
import { transformer } from "./fast-transformer";
import { findNulCharacter } from "./input-bounds";
import { describeError, logger } from "~/server/logger";
import { getDb } from "~/server/db";
import { clientAddress } from "~/server/client-address";
import { getEnv } from "~/env";

export function createTRPCContext(options: { session: AppSession; headers?: Headers }) {
  const headers = options.headers ?? new Headers();
  return {
    db: getDb(),
    session: options.session,
    headers,
    /** The client's address bucket, for rate limits (client-address.ts). */
    clientAddress: clientAddress(headers, getEnv().TRUSTED_PROXY_HOPS),
  };
}

export type TRPCContext = ReturnType<typeof createTRPCContext>;

const t = initTRPC.context<TRPCContext>().create({
  transformer,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const isInternal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Internal messages can carry SQL or RPC details: the client gets a plain sentence.
      message: zodError
        ? `Invalid input: ${zodError.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ")}`
        : isInternal
          ? "Something went wrong on our side. Nothing was changed; please try again."
          : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        fieldErrors: zodError
          ? zodError.flatten().fieldErrors
          : !isInternal && isAppError(error.cause) && error.cause.field
            ? { [error.cause.field]: [error.cause.message] }
            : undefined,
      },
    };
  },
});

/** Maps domain errors to transport codes once, and logs what the client will not see. */
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isAppError(cause)) {
      throw new TRPCError({
        code: ERROR_TRANSPORT[cause.code].trpc,
        message: cause.message,
        cause,
      });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      logger.error("procedure failed", { path, error: describeError(cause ?? result.error) });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A NUL character reaches no schema: PostgreSQL text cannot hold it, whatever the field. */
const refuseNulCharacters = t.middleware(async ({ getRawInput, next }) => {
  const where = findNulCharacter(await getRawInput());
  if (where)
    throw new AppError(
      "BAD_INPUT",
      `Invalid input: ${where} contains a NUL character (U+0000); remove it.`,
    );
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping).use(refuseNulCharacters);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  }
  return next({ ctx: { ...ctx, session: ctx.session } });
});

export function roleProcedure(...roles: Role[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.session.user.role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This action is for ${roles.map((role) => role.toLowerCase()).join(" or ")} accounts; you are signed in as a ${ctx.session.user.role.toLowerCase()}.`,
      });
    }
    return next({ ctx });
  });
}

export const participantProcedure = roleProcedure("PARTICIPANT");
export const researcherProcedure = roleProcedure("RESEARCHER");
export const sponsorProcedure = roleProcedure("SPONSOR");
export const auditorProcedure = roleProcedure("AUDITOR", "SPONSOR");
