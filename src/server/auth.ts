import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getServerSession } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import { getEnv, getSiweDomain, type Env } from "~/env";
import { getChain } from "~/server/chain/client";
import { clientAddress } from "~/server/client-address";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import { describeError, logger } from "~/server/logger";
import { beginPasswordAttempt, beginWalletAttempt } from "~/server/sign-in-throttle";
import {
  authenticateWithEthereum,
  authenticateWithPassword,
  type SignedInUser,
} from "~/server/services/users/authenticate";
import { normalizeEmail } from "~/server/services/users/email";
import { endSessions, isSessionCurrent } from "~/server/services/users/session-version";
import type { AppSession, SessionUser } from "~/server/session";
import { decodeSessionToken } from "~/server/session-token";

/**
 * next-auth with JWT sessions and two credential providers: Sign-In with Ethereum (the nonce
 * is the CSRF token next-auth has already checked against its cookie) and email/password.
 * A failed sign-in's reason is passed to the client as the error code, so the page can say it.
 * Every token carries its user's session version; sign-out raises it (session-version.ts).
 */
function readBodyField(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  return typeof value === "string" ? value : "";
}

async function rotateCsrfCookie(): Promise<void> {
  // The CSRF cookie outlives a sign-in; dropping it makes the next sign-in get a fresh nonce.
  const jar = await cookies();
  for (const cookie of jar.getAll()) {
    if (cookie.name.endsWith("next-auth.csrf-token")) {
      jar.delete({ name: cookie.name, path: "/", secure: cookie.name.startsWith("__Host-") });
    }
  }
}

function refuse(error: unknown): never {
  if (isAppError(error)) throw new Error(error.message);
  logger.error("sign-in failed unexpectedly", { error: String(error) });
  throw new Error("Sign-in is unavailable right now; try again.");
}

/** Thrown while decoding a token whose session was ended; next-auth then clears the cookie. */
class SessionEndedError extends Error {
  constructor() {
    super("This session was ended (sign-out or password change).");
    this.name = "SessionEndedError";
  }
}

/** HTTPS deployments get Secure cookies named __Secure-/__Host- (env.ts requires HTTPS). */
function isSecure(env: Env): boolean {
  return new URL(env.APP_URL).protocol === "https:";
}

export function sessionCookieName(env: Env = getEnv()): string {
  return isSecure(env) ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

export function buildAuthOptions(): NextAuthOptions {
  const env = getEnv();
  // next-auth reads its public URL from here on every request; env.ts derived it from APP_URL.
  process.env.NEXTAUTH_URL = env.NEXTAUTH_URL;
  const clientOf = (headers: Record<string, unknown> | undefined) =>
    clientAddress(headers, env.TRUSTED_PROXY_HOPS);
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    useSecureCookies: isSecure(env),
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "siwe",
        name: "Ethereum",
        credentials: {
          message: { type: "text" },
          signature: { type: "text" },
          role: { type: "text" },
        },
        async authorize(credentials, request) {
          try {
            const db = getDb();
            const attempt = await beginWalletAttempt(db, { client: clientOf(request.headers) });
            const chain = await getChain();
            const user = await authenticateWithEthereum({
              db,
              message: credentials?.message ?? "",
              signature: credentials?.signature ?? "",
              csrfToken: readBodyField(request.body, "csrfToken"),
              domain: getSiweDomain(env),
              chainId: chain.chainId,
              requestedRole: credentials?.role,
            });
            await attempt.succeeded();
            await rotateCsrfCookie();
            return user;
          } catch (error) {
            refuse(error);
          }
        },
      }),
      CredentialsProvider({
        id: "password",
        name: "Email",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, request) {
          try {
            const db = getDb();
            const email = normalizeEmail(credentials?.email ?? "");
            const attempt = await beginPasswordAttempt(db, {
              email,
              client: clientOf(request.headers),
            });
            const user = await authenticateWithPassword({
              db,
              email,
              password: credentials?.password ?? "",
            });
            await attempt.succeeded();
            return user;
          } catch (error) {
            refuse(error);
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const signedIn = user as unknown as SignedInUser;
          token.sub = signedIn.id;
          token.role = signedIn.role;
          token.walletAddress = signedIn.walletAddress;
          token.displayName = signedIn.displayName;
          token.sessionVersion = signedIn.sessionVersion;
          return token;
        }
        let isCurrent: boolean;
        try {
          isCurrent = await isSessionCurrent(getDb(), {
            userId: token.sub ?? "",
            sessionVersion: token.sessionVersion,
          });
        } catch (error) {
          // next-auth turns any error here into a sign-out and clears the cookie: a database
          // restart must not sign everyone out. The page's own queries fail until it is back.
          logger.warn("session version not checked", { error: describeError(error) });
          return token;
        }
        if (!isCurrent) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          user: {
            id: token.sub ?? "",
            role: token.role ?? "PARTICIPANT",
            walletAddress: token.walletAddress ?? "",
            displayName: token.displayName ?? "",
          },
        };
      },
    },
    events: {
      async signOut({ token }: { token: JWT | null }) {
        if (token?.sub && typeof token.sessionVersion === "number")
          await endSessions(getDb(), { userId: token.sub, sessionVersion: token.sessionVersion });
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session is routine: the cookie is cleared and the visitor is signed out.
        const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (cause instanceof Error && cause.name === "SessionEndedError") return;
        logger.error("next-auth error", {
          code,
          error: cause instanceof Error ? cause.message : undefined,
        });
      },
      warn(code) {
        logger.warn("next-auth warning", { code });
      },
      debug() {},
    },
  };
}

let cachedOptions: NextAuthOptions | undefined;
export function getAuthOptions(): NextAuthOptions {
  cachedOptions ??= buildAuthOptions();
  return cachedOptions;
}

/** The signed-in user in a server component or route handler, or null. */
export async function getSession(): Promise<AppSession> {
  const session = await getServerSession<NextAuthOptions, { user?: Partial<SessionUser> }>(
    getAuthOptions(),
  );
  const user = session?.user;
  if (!user?.id || !user.role || !user.walletAddress) return null;
  return {
    user: {
      id: user.id,
      role: user.role,
      walletAddress: user.walletAddress,
      displayName: user.displayName ?? "",
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/**
 * The session of a plain fetch Request (the tRPC route, route handlers), decoded from
 * next-auth's JWT cookie and checked against the user's session version. Works outside Next's
 * request scope, so the same handler serves tests over real HTTP.
 */
export async function getSessionFromRequest(request: Request): Promise<AppSession> {
  const env = getEnv();
  const token = readCookie(request.headers.get("cookie"), sessionCookieName(env));
  if (!token) return null;
  let payload: JWT | null;
  try {
    payload = await decodeSessionToken(token, env.NEXTAUTH_SECRET);
  } catch {
    return null;
  }
  if (!payload?.sub || !payload.role || !payload.walletAddress) return null;
  // A database that cannot answer is an outage, not a signed-out user: the error reaches the
  // caller as a 5xx it may retry, instead of "Sign in to continue".
  const isCurrent = await isSessionCurrent(getDb(), {
    userId: payload.sub,
    sessionVersion: payload.sessionVersion,
  });
  if (!isCurrent) return null;
  return {
    user: {
      id: payload.sub,
      role: payload.role,
      walletAddress: payload.walletAddress,
      displayName: payload.displayName ?? "",
    },
  };
}
