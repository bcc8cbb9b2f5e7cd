import "server-only";
import { Wallet, type TypedDataDomain, type TypedDataField } from "ethers";
import { sealSecret } from "~/server/crypto";
import type { DbTransaction } from "~/server/db";
import { keyOfAccount } from "./derived-accounts";

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

/**
 * Signs typed data with the user's managed wallet, or with one of the accounts derived from it
 * (`signer`); wallet users must sign in their wallet.
 */
export async function signTypedDataForUser(options: {
  db: DbTransaction;
  userId: string;
  signer: string;
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}): Promise<string> {
  const wallet = await keyOfAccount(options.db, options.userId, options.signer);
  return wallet.signTypedData(options.domain, options.types, options.message);
}
