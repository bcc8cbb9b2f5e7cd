import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getServerSession } from "next-auth";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { getEnv, getSiweDomain } from "~/env";
import { getChain } from "~/server/chain/client";
import { getDb } from "~/server/db";
import { clientAddress, consumeRateLimit } from "~/server/rate-limit";
import { isAppError } from "~/server/errors";
import { logger } from "~/server/logger";
import {
  authenticateWithEthereum,
  authenticateWithPassword,
} from "~/server/services/users/authenticate";
import type { AppSession, SessionUser } from "~/server/session";

/**
 * next-auth with JWT sessions and two credential providers: Sign-In with Ethereum (the nonce
 * is the CSRF token next-auth has already checked against its cookie) and email/password.
 * A failed sign-in's reason is passed to the client as the error code, so the page can say it.
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

export function buildAuthOptions(): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
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
            await consumeRateLimit(getDb(), "signInAddress", clientAddress(request.headers));
            const chain = await getChain();
            const user = await authenticateWithEthereum({
              db: getDb(),
              message: credentials?.message ?? "",
              signature: credentials?.signature ?? "",
              csrfToken: readBodyField(request.body, "csrfToken"),
              domain: getSiweDomain(env),
              chainId: chain.chainId,
              requestedRole: credentials?.role,
            });
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
            await consumeRateLimit(db, "signInAddress", clientAddress(request.headers));
            await consumeRateLimit(db, "signInAccount", credentials?.email ?? "");
            return await authenticateWithPassword({
              db: getDb(),
              email: credentials?.email ?? "",
              password: credentials?.password ?? "",
            });
          } catch (error) {
            refuse(error);
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          const sessionUser = user as unknown as SessionUser;
          token.sub = sessionUser.id;
          token.role = sessionUser.role;
          token.walletAddress = sessionUser.walletAddress;
          token.displayName = sessionUser.displayName;
        }
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

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/**
 * The session of a plain fetch Request (the tRPC route), decoded from next-auth's JWT cookie.
 * Works outside Next's request scope, so the same handler serves tests over real HTTP.
 */
export async function getSessionFromRequest(request: Request): Promise<AppSession> {
  const cookieHeader = request.headers.get("cookie");
  const token = SESSION_COOKIES.map((name) => readCookie(cookieHeader, name)).find(Boolean);
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: getEnv().NEXTAUTH_SECRET });
    if (!payload?.sub || !payload.role || !payload.walletAddress) return null;
    return {
      user: {
        id: payload.sub,
        role: payload.role,
        walletAddress: payload.walletAddress,
        displayName: payload.displayName ?? "",
      },
    };
  } catch {
    return null;
  }
}
