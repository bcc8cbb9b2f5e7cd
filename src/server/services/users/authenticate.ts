import "server-only";
import { verify } from "@node-rs/argon2";
import { SiweMessage } from "siwe";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { isUniqueViolation } from "~/server/prisma-errors";
import type { SessionUser } from "~/server/session";
import { normalizeEmail } from "./email";
import { SELF_SERVICE_ROLES } from "./register-user";

/** Who signed in, and the session version their token must carry (session-version.ts). */
export type SignedInUser = SessionUser & { sessionVersion: number };

const userSelect = {
  id: true,
  role: true,
  walletAddress: true,
  displayName: true,
  sessionVersion: true,
} as const;

// A hash to compare against when the email is unknown, so both paths take the same time.
const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$3Rh35RaNlRQ4YqHZCjYNoA$xnuQCzqGqxfftUy8GVt5ycmdE+33eiYpAiO3HNkrxBE";

export async function authenticateWithPassword(options: {
  db: DbClient;
  email: string;
  password: string;
}): Promise<SignedInUser> {
  const user = await options.db.user.findUnique({
    where: { email: normalizeEmail(options.email) },
    select: { ...userSelect, passwordHash: true },
  });
  const isValid = await verify(user?.passwordHash ?? DUMMY_HASH, options.password);
  if (!user?.passwordHash || !isValid) {
    throw new AppError("UNAUTHENTICATED", "Wrong email or password.");
  }
  const { passwordHash: _passwordHash, ...sessionUser } = user;
  return sessionUser;
}

/** Sign-in messages older than this are refused even when they carry no expiration time. */
const MAX_MESSAGE_AGE_MS = 10 * 60 * 1000;

/**
 * EIP-4361. The message must name our configured domain and chain, carry the browser's CSRF
 * token as its nonce (binding it to this browser's session), be fresh, verify against its
 * signature, and never have been used before. Unknown wallets get a new account.
 */
export async function authenticateWithEthereum(options: {
  db: DbClient;
  message: string;
  signature: string;
  csrfToken: string;
  domain: string;
  chainId: number;
  requestedRole?: string;
}): Promise<SignedInUser> {
  let siwe: SiweMessage;
  try {
    siwe = new SiweMessage(options.message);
  } catch {
    throw new AppError(
      "BAD_INPUT",
      "The sign-in message is not a valid Sign-In with Ethereum message.",
    );
  }
  if (siwe.domain !== options.domain) {
    throw new AppError(
      "UNAUTHENTICATED",
      `The sign-in message is for ${siwe.domain}, not ${options.domain}.`,
    );
  }
  if (siwe.chainId !== options.chainId) {
    throw new AppError(
      "UNAUTHENTICATED",
      `The sign-in message is for chain ${siwe.chainId}; this app uses chain ${options.chainId}.`,
    );
  }
  if (!options.csrfToken || siwe.nonce !== options.csrfToken) {
    throw new AppError(
      "UNAUTHENTICATED",
      "The sign-in message's nonce does not match this session; reload and sign again.",
    );
  }
  const issuedAt = Date.parse(siwe.issuedAt ?? "");
  if (
    !Number.isFinite(issuedAt) ||
    Date.now() - issuedAt > MAX_MESSAGE_AGE_MS ||
    issuedAt - Date.now() > 60_000
  ) {
    throw new AppError("UNAUTHENTICATED", "The sign-in message is stale; sign a new one.");
  }
  const result = await siwe.verify(
    { signature: options.signature, domain: options.domain, nonce: options.csrfToken },
    { suppressExceptions: true },
  );
  if (!result.success) {
    const reason = result.error?.type ?? "invalid signature";
    throw new AppError("UNAUTHENTICATED", `The sign-in signature was refused: ${reason}.`);
  }
  const walletAddress = siwe.address.toLowerCase();
  try {
    await options.db.usedSiweNonce.create({ data: { nonce: siwe.nonce } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "UNAUTHENTICATED",
        "This sign-in nonce was already used; reload the page and sign again.",
      );
    }
    throw error;
  }
  const existing = await options.db.user.findUnique({
    where: { walletAddress },
    select: userSelect,
  });
  if (existing) return existing;
  const role =
    SELF_SERVICE_ROLES.find((candidate) => candidate === options.requestedRole) ?? "PARTICIPANT";
  return options.db.user.create({
    data: {
      walletAddress,
      role,
      displayName: `${walletAddress.slice(0, 6)}…${walletAddress.slice(-4)}`,
    },
    select: userSelect,
  });
}
