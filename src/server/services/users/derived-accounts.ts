import "server-only";
import { createHmac } from "node:crypto";
import { Wallet } from "ethers";
import { openSecret } from "~/server/crypto";
import type { DbClient, DbTransaction } from "~/server/db";
import { AppError } from "~/server/errors";
import type { DerivedAccountKind } from "~/server/generated/prisma/enums";

/**
 * Accounts derived from a server-held wallet: one per enrolment (scope: the trial's chain id)
 * and one per unlinked listing (scope: its chain salt). The chain then sees unrelated addresses
 * enrol in different trials and own different datasets; only this database links them to the
 * person. Keys are derived again on demand (HMAC-SHA256 of the wallet key and the scope), never
 * stored; the address and scope are kept so events can be credited to the right user. Wallets in
 * the user's browser cannot be derived from: their accounts are the wallet itself.
 */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

type Db = DbClient | DbTransaction;

function walletContext(address: string): string {
  return `managed-wallet:${address.toLowerCase()}`;
}

function derivePrivateKey(walletKey: string, kind: DerivedAccountKind, scope: string): string {
  const secret = Buffer.from(walletKey.replace(/^0x/, ""), "hex");
  for (let counter = 0; ; counter += 1) {
    const digest = createHmac("sha256", secret)
      .update(`trialshare/derived-account/v1/${kind}/${scope.toLowerCase()}/${counter}`)
      .digest("hex");
    const value = BigInt(`0x${digest}`);
    // A digest outside the curve's order is astronomically rare; the next counter fixes it.
    if (value > 0n && value < CURVE_ORDER) return `0x${digest}`;
  }
}

async function userWallet(db: Db, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { walletAddress: true, walletKeyCipher: true },
  });
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.");
  return user;
}

function openWalletKey(user: { walletAddress: string; walletKeyCipher: string }): string {
  return openSecret(user.walletKeyCipher, walletContext(user.walletAddress));
}

/**
 * The account `userId` acts with for `kind`/`scope`: a derived one for server-held wallets
 * (recorded on first use), the wallet itself otherwise.
 */
export async function accountFor(
  db: Db,
  userId: string,
  kind: DerivedAccountKind,
  scope: string,
): Promise<string> {
  const user = await userWallet(db, userId);
  if (!user.walletKeyCipher) return user.walletAddress;
  const address = new Wallet(
    derivePrivateKey(
      openWalletKey({ ...user, walletKeyCipher: user.walletKeyCipher }),
      kind,
      scope,
    ),
  ).address.toLowerCase();
  await db.derivedAccount.upsert({
    where: { address },
    create: { address, userId, kind, scope: scope.toLowerCase() },
    update: {},
  });
  return address;
}

/** The signing key of `address`, one of `userId`'s accounts on a server-held wallet. */
export async function keyOfAccount(db: Db, userId: string, address: string): Promise<Wallet> {
  const user = await userWallet(db, userId);
  if (!user.walletKeyCipher) {
    throw new AppError(
      "BAD_INPUT",
      "Your account uses your own wallet: sign the request in your wallet.",
    );
  }
  const walletKey = openWalletKey({ ...user, walletKeyCipher: user.walletKeyCipher });
  if (address.toLowerCase() === user.walletAddress) return new Wallet(walletKey);
  const derived = await db.derivedAccount.findUnique({
    where: { address: address.toLowerCase() },
    select: { userId: true, kind: true, scope: true },
  });
  if (derived?.userId !== userId)
    throw new AppError("FORBIDDEN", "That account is not one of yours.");
  const wallet = new Wallet(derivePrivateKey(walletKey, derived.kind, derived.scope));
  if (wallet.address.toLowerCase() !== address.toLowerCase())
    throw new Error(`derived account ${address} does not match its scope`);
  return wallet;
}

/** Every account of a user: the wallet first, then the derived ones. */
export async function accountsOf(db: Db, userId: string): Promise<string[]> {
  const [user, derived] = await Promise.all([
    userWallet(db, userId),
    db.derivedAccount.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { address: true },
    }),
  ]);
  return [user.walletAddress, ...derived.map((account) => account.address)];
}

/** The user an on-chain account belongs to (its wallet or one derived from it), or null. */
export async function userOfAccount(db: Db, address: string): Promise<string | null> {
  const wallet = address.toLowerCase();
  const user = await db.user.findUnique({ where: { walletAddress: wallet }, select: { id: true } });
  if (user) return user.id;
  const derived = await db.derivedAccount.findUnique({
    where: { address: wallet },
    select: { userId: true },
  });
  return derived?.userId ?? null;
}
