import { Wallet, type TypedDataDomain, type TypedDataField } from "ethers";
import { openSecret, sealSecret } from "~/server/crypto";
import type { DbTransaction } from "~/server/db";
import { AppError } from "~/server/errors";

/**
 * Email/password users get a wallet the server holds for them, its key sealed under the
 * master key, so they can sign EIP-712 requests like wallet users do.
 */
function walletContext(address: string): string {
  return `managed-wallet:${address.toLowerCase()}`;
}

export function createManagedWallet(): { walletAddress: string; walletKeyCipher: string } {
  const wallet = Wallet.createRandom();
  const walletAddress = wallet.address.toLowerCase();
  return {
    walletAddress,
    walletKeyCipher: sealSecret(wallet.privateKey, walletContext(walletAddress)),
  };
}

/** Signs typed data with the user's managed wallet; wallet users must sign in their wallet. */
export async function signTypedDataForUser(options: {
  db: DbTransaction;
  userId: string;
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}): Promise<string> {
  const user = await options.db.user.findUnique({
    where: { id: options.userId },
    select: { walletAddress: true, walletKeyCipher: true },
  });
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.");
  if (!user.walletKeyCipher) {
    throw new AppError(
      "BAD_INPUT",
      "Your account uses your own wallet: sign the request in your wallet.",
    );
  }
  const wallet = new Wallet(openSecret(user.walletKeyCipher, walletContext(user.walletAddress)));
  return wallet.signTypedData(options.domain, options.types, options.message);
}
