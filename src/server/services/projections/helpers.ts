import "server-only";
import type { DbTransaction } from "~/server/db";
import type { PayoutKind } from "~/server/generated/prisma/enums";
import type { EventArg, IndexedEvent, Projection } from "~/server/chain/indexed-event";

export type { Projection };

/** Helpers the projections share: reading event arguments, and payouts keyed by event. */
export const text = (event: IndexedEvent, name: string) => String(event.args[name]);
export const list = (event: IndexedEvent, name: string) =>
  (event.args[name] as EventArg[]).map(String);
export const ITEM_STATUS = ["EXCLUDED", "PENDING", "APPROVED", "REJECTED"] as const;

/**
 * The user behind an account: their wallet, or an account derived from it for one enrolment
 * or listing (services/users/derived-accounts.ts).
 */
export async function userIdOf(tx: DbTransaction, account: string): Promise<string | null> {
  const address = account.toLowerCase();
  const user = await tx.user.findUnique({
    where: { walletAddress: address },
    select: { id: true },
  });
  if (user) return user.id;
  const derived = await tx.derivedAccount.findUnique({
    where: { address },
    select: { userId: true },
  });
  return derived?.userId ?? null;
}

export async function recordPayout(
  tx: DbTransaction,
  event: IndexedEvent,
  wallet: string,
  kind: PayoutKind,
  amount: string,
  links: { requestId?: string; listingId?: string } = {},
) {
  const userId = await userIdOf(tx, wallet);
  if (!userId || amount === "0") return;
  await tx.payout.create({
    data: {
      userId,
      kind,
      amountWei: amount,
      txHash: event.txHash,
      eventId: event.eventId,
      createdAt: event.blockTime,
      ...links,
    },
  });
}

export const deletePayouts: Projection["undo"] = async (tx, event) => {
  await tx.payout.deleteMany({ where: { eventId: event.eventId } });
};
